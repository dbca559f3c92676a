/*	xcallsim: tests/fuzz/fuzz_args.c, a program's command line	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The option parser of XCS_FUZZ_PROGRAM (the torture or the benchmark),
 * compiled in here with its main renamed and its errx and exit jumping
 * back (fuzz.h).  The program says what to reset before a parse and
 * what an accepted command line must leave true (XCS_FUZZ_RESET and
 * XCS_FUZZ_CHECK, below its include).
 */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

/* The usage message, millions of times, goes nowhere. */
static FILE *xcs_fuzz_null;

#define main		xcs_fuzz_program_main
#define errx		xcs_fuzz_errx
#define exit		xcs_fuzz_exit
#undef stderr
#define stderr		xcs_fuzz_null
#include XCS_FUZZ_PROGRAM
#undef stderr
#define stderr		stderr
#undef exit
#undef errx
#undef main

#if defined(XCS_FUZZ_TORTURE)
#define XCS_FUZZ_NAME	"xcall_torture"
static void
xcs_fuzz_reset(void)
{
	memset(&opts, 0, sizeof(opts));
	weight_total = 0;
}

static void
xcs_fuzz_parse(int argc, char **argv)
{
	parse_options(argc, argv);
}

static void
xcs_fuzz_check(void)
{
	xcs_fuzz_assert(opts.o_ncpus >= 2 && opts.o_ncpus <= MAXCPUS,
	    "a CPU count out of range");
	xcs_fuzz_assert(weight_total > 0, "no op with a weight");
	xcs_fuzz_assert((opts.o_seconds != 0) != (opts.o_xcalls != 0),
	    "both or neither of a duration and an xcall count");
	xcs_fuzz_assert(opts.o_replay_last >= opts.o_replay_first,
	    "replay seeds backwards");
}
#elif defined(XCS_FUZZ_BENCH)
#define XCS_FUZZ_NAME	"xcall_latency"
static struct options xcs_fuzz_opts;

static void
xcs_fuzz_reset(void)
{
	json = csv = 0;
	mode_mask = ~0U;
}

static void
xcs_fuzz_parse(int argc, char **argv)
{
	parse_options(argc, argv, &xcs_fuzz_opts);
}

static void
xcs_fuzz_check(void)
{
	unsigned int i;

	xcs_fuzz_assert(!(json && csv), "both JSON and CSV");
	xcs_fuzz_assert(iterations >= 100 && warmup <= 10000000 &&
	    tp_ms >= 10, "a count out of range");
	xcs_fuzz_assert(xcs_fuzz_opts.o_nn <= nitems(xcs_fuzz_opts.o_ncpus),
	    "more CPU counts than room");
	for (i = 0; i < xcs_fuzz_opts.o_nn; i++)
		xcs_fuzz_assert(xcs_fuzz_opts.o_ncpus[i] >= 2 &&
		    xcs_fuzz_opts.o_ncpus[i] <= 256,
		    "a CPU count out of range");
}
#else
#error "XCS_FUZZ_TORTURE or XCS_FUZZ_BENCH"
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[XCS_FUZZ_MAXARGS + 2];
	volatile int argc;
	int how;

	if (xcs_fuzz_null == NULL &&
	    (xcs_fuzz_null = fopen("/dev/null", "w")) == NULL)
		abort();
	argc = xcs_fuzz_argv(data, size, XCS_FUZZ_NAME, argv);
	xcs_fuzz_reset();
	/* glibc's getopt starts over, scanning state and all, at 0. */
	optind = 0;
	opterr = 0;
	xcs_fuzz_msg[0] = '\0';
	if ((how = setjmp(xcs_fuzz_top)) == 0) {
		xcs_fuzz_parse(argc, argv);
		xcs_fuzz_check();
	} else if (how == 1) {
		/* errx: the message says what was wrong. */
		xcs_fuzz_assert(xcs_fuzz_msg[0] != '\0', "errx said nothing");
	}
	/* how 2 is -h, 3 a usage message for an option getopt refused. */
	xcs_fuzz_free(argc, argv);
	return (0);
}
