/*	xcallsim: examples/wbinvd.c	*/

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
 * amd64's wbinvd_on_all_cpus_acked() (cpu.c 1.199) serialises callers
 * on one global word, sends LAPIC_IPI_WBINVD by hand at splvm and spins
 * until every target has decremented the word.  The cpu_xcall(9) thread
 * proposed this instead, the "broadcast and spin" pattern: each caller
 * counts its own targets on its own stack, so callers no longer wait
 * for each other, and the local flush is just the curcpu() xcall.
 *
 * The cache flush is simulated by a per-CPU counter.  Every CPU calls
 * wbinvd_on_all_cpus_acked() at once, many times; the program checks
 * that each call returned only after every CPU had flushed for it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xcallsim.h"

#define CALLS	2000

/* What wbinvd does to each CPU's cache, counted. */
static unsigned int flushes[MAXCPUS];		/* [a] */

static void
wbinvd(void)
{
	atomic_inc_int(&flushes[cpu_number()]);
}

static void
wbinvd_xcall(void *arg)
{
	unsigned int *wait = arg;

	wbinvd();
	/* The flush is done before the caller can see the ack. */
	membar_exit_before_atomic();
	atomic_dec_int(wait);
}

void
wbinvd_on_all_cpus_acked(void)
{
	struct xcall xc = XCALL_INITIALIZER(wbinvd_xcall, NULL);
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;
	unsigned int wait = 0;

	xc.xc_arg = &wait;
	CPU_INFO_FOREACH(cii, ci) {
		/* Count the target before it can run and decrement. */
		atomic_inc_int(&wait);
		cpu_xcall(ci, &xc);
	}
	while (atomic_load_int(&wait) != 0)
		CPU_BUSY_CYCLE();
	/* Pairs with the membar in wbinvd_xcall. */
	membar_enter_after_atomic();
}

struct caller {
	unsigned int	c_calls;
	unsigned int	c_unacked;	/* returned before a CPU flushed */
};

static struct caller callers[MAXCPUS];

/* Call it again and again; each call must see a flush on every CPU. */
static void
caller(void *arg)
{
	struct caller *c = arg;
	unsigned int before[MAXCPUS], n, ncpus = xcs_ncpus(), i;

	for (i = 0; i < CALLS; i++) {
		for (n = 0; n < ncpus; n++)
			before[n] = atomic_load_int(&flushes[n]);
		wbinvd_on_all_cpus_acked();
		for (n = 0; n < ncpus; n++) {
			if (atomic_load_int(&flushes[n]) == before[n])
				c->c_unacked++;
		}
		c->c_calls++;
	}
}

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: wbinvd [-n ncpus]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct xcs_config cfg;
	unsigned int n, ncpus = 4, unacked = 0, total = 0;
	int ch;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			ncpus = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	xcs_config_init(&cfg);
	cfg.xc_ncpus = ncpus;
	if (xcs_boot(&cfg) != 0)
		errx(1, "%s", xcs_errstr());
	printf("%u CPUs each call wbinvd_on_all_cpus_acked() %d times, "
	    "at once\n", ncpus, CALLS);
	for (n = 1; n < ncpus; n++)
		if (xcs_cpu_start(n, caller, &callers[n]) != 0)
			errx(1, "%s", xcs_errstr());
	caller(&callers[0]);
	for (n = 1; n < ncpus; n++)
		if (xcs_cpu_join(n) != 0)
			errx(1, "%s", xcs_errstr());
	for (n = 0; n < ncpus; n++) {
		printf("cpu%u: %u calls, flushed %u times\n", n,
		    callers[n].c_calls, flushes[n]);
		unacked += callers[n].c_unacked;
		total += flushes[n];
	}
	if (xcs_quiesce(60000) != 0 || xcs_shutdown() != 0)
		errx(1, "%s", xcs_errstr());
	printf("every call returned after every CPU flushed for it: %s\n"
	    "flushes: %u, want %u (each CPU once per call of each CPU)\n",
	    unacked == 0 ? "yes" : "NO", total, ncpus * ncpus * CALLS);
	return (unacked != 0 || total != ncpus * ncpus * CALLS);
}
