/*	xcallsim: tests/consumer/consumer.c, built out of tree	*/

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
 * What a kernel developer's own test looks like against an installed
 * xcallsim: boot, cpu_xcall_sync to every CPU, check where each ran.
 * The same file builds against the MULTIPROCESSOR and the UP library.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>

#include <stdio.h>

#include <xcallsim.h>

#ifdef MULTIPROCESSOR
#define NCPUS	4
#else
#define NCPUS	1
#endif

static unsigned int ran_on[NCPUS];

static void
record(void *arg)
{
	unsigned int *slot = arg;

	atomic_store_int(slot, cpu_number() + 1);
}

int
main(void)
{
	struct xcs_config cfg;
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;
	int bad = 0;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = NCPUS;
	if (xcs_boot(&cfg) != 0) {
		fprintf(stderr, "consumer: %s\n", xcs_errstr());
		return (1);
	}
	CPU_INFO_FOREACH(cii, ci)
		cpu_xcall_sync(ci, record, &ran_on[CPU_INFO_UNIT(ci)],
		    "consumer");
	CPU_INFO_FOREACH(cii, ci) {
		if (atomic_load_int(&ran_on[CPU_INFO_UNIT(ci)]) !=
		    CPU_INFO_UNIT(ci) + 1)
			bad++;
	}
	if (xcs_shutdown() != 0) {
		fprintf(stderr, "consumer: %s\n", xcs_errstr());
		return (1);
	}
	printf("consumer: cpu_xcall_sync ran on each of %d CPUs: %s\n",
	    NCPUS, bad ? "NO" : "yes");
	return (bad != 0);
}
