/*	xcallsim: examples/xcall_patterns.c	*/

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
 * Boot a simulated machine and run each of the five cpu_xcall(9) usage
 * patterns from dlg@'s mail, printing, in kernel terms, where the work
 * ran, at which IPL, and what the machine did to get it there.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "patterns.h"
#include "xcallsim.h"

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: xcall_patterns [-p] [-n ncpus]\n");
	exit(1);
}

static void
print_runs(const struct pattern_rec *pr, unsigned int ncpus)
{
	unsigned int n;

	printf("    ran on:");
	for (n = 0; n < ncpus; n++) {
		if (pr->pr_runs[n] != 0)
			printf(" cpu%u", n);
	}
	printf("\n    all at IPL_SOFTCLOCK: %s; remote ones in interrupt "
	    "context: %s; nested dispatch: %s\n",
	    pr->pr_bad_ipl == 0 ? "yes" : "NO",
	    pr->pr_bad_ctx == 0 ? "yes" : "NO",
	    pr->pr_nested == 0 ? "none" : "SEEN");
}

/* What the machine did for one pattern: the counters' difference. */
static void
print_stats(const struct xcs_stats *before, const struct xcs_stats *after)
{
	printf("    machine: %llu xcalls posted to slots, %llu dispatched, "
	    "%llu IPIs sent (%llu as host signals, the rest woke a halted "
	    "CPU), %llu coalesced, %llu skipped (target polling)\n",
	    (unsigned long long)(after->xs_posted - before->xs_posted),
	    (unsigned long long)(after->xs_dispatched - before->xs_dispatched),
	    (unsigned long long)(after->xs_ipi_sent - before->xs_ipi_sent),
	    (unsigned long long)(after->xs_ipi_signals -
	    before->xs_ipi_signals),
	    (unsigned long long)(after->xs_ipi_coalesced -
	    before->xs_ipi_coalesced),
	    (unsigned long long)(after->xs_ipi_skipped -
	    before->xs_ipi_skipped));
}

int
main(int argc, char *argv[])
{
	struct xcs_config cfg;
	struct pattern_rec pr;
	struct xcs_stats before, after;
	struct cpu_info *target;
	char *end;
	long n;
	int ch, p, error;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 8;
	while ((ch = getopt(argc, argv, "hn:p")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 ||
			    n > 256)
				errx(1, "-n %s: CPU count must be 1 to 256",
				    optarg);
			cfg.xc_ncpus = n;
			break;
		case 'p':
			cfg.xc_idle = XCS_IDLE_POLL;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if ((error = xcs_boot(&cfg)) != 0)
		errx(1, "%s", xcs_errstr());
	target = xcs_cpu(cfg.xc_ncpus - 1);
	printf("booted %u CPUs, idle %s; cpu0 calls, cpu%u is the unicast "
	    "target\n", cfg.xc_ncpus,
	    cfg.xc_idle == XCS_IDLE_POLL ? "polling" : "halted",
	    target->ci_cpuid);

	for (p = 0; p < NPATTERNS; p++) {
		pattern_rec_init(&pr);
		if ((error = xcs_quiesce(10000)) != 0)
			errx(1, "%s", xcs_errstr());
		xcs_stats_total(&before);
		pattern_run(p, target, &pr);
		if ((error = xcs_quiesce(10000)) != 0)
			errx(1, "%s", xcs_errstr());
		xcs_stats_total(&after);
		printf("%d. %s\n", p + 1, pattern_names[p]);
		print_runs(&pr, cfg.xc_ncpus);
		print_stats(&before, &after);
	}

	if ((error = xcs_quiesce(10000)) != 0)
		errx(1, "%s", xcs_errstr());
	if ((error = xcs_shutdown()) != 0)
		errx(1, "%s", xcs_errstr());
	return (0);
}
