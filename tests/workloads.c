/*	xcallsim: tests/workloads.c, work that tests run on CPUs	*/

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

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "testutil.h"

static void
sync_fn(void *arg)
{
	struct sync_data *sd = arg;
	size_t i;

	for (i = 0; i < SYNC_WORDS; i++)
		sd->sd_words[i] = sd->sd_seed * 31 + i;
	sd->sd_cpu = cpu_number();
}

/*
 * cpu_xcall_sync to the other CPUs in turn; check that the function ran
 * where it was sent and that every store it made is visible on return.
 */
void
sync_job(void *arg)
{
	struct sync_job *sj = arg;
	struct sync_data sd;
	unsigned int self = cpu_number(), target, i;
	size_t w;

	for (i = 0; i < sj->sj_iters; i++) {
		if (sj->sj_target >= 0)
			target = sj->sj_target;
		else
			target = (self + 1 + i % (xcs_ncpus() - 1)) %
			    xcs_ncpus();
		memset(&sd, 0, sizeof(sd));
		sd.sd_seed = ((unsigned long)self << 32) | i;
		cpu_xcall_sync(xcs_cpu(target), sync_fn, &sd, "xcsync");
		if (sj->sj_pace)
			tu_wait_calm(target);
		for (w = 0; w < SYNC_WORDS; w++) {
			if (sd.sd_words[w] != sd.sd_seed * 31 + w)
				sj->sj_stale++;
		}
		if (sd.sd_cpu != target && sj->sj_wrong == 0) {
			sj->sj_wrong_target = target;
			sj->sj_wrong_ran_on = sd.sd_cpu;
		}
		if (sd.sd_cpu != target)
			sj->sj_wrong++;
	}
}

void
sync_check(struct sync_job *sj, unsigned int caller)
{
	if (sj->sj_wrong != 0)
		fail_msg("cpu_xcall_sync from cpu%u: xcall posted to cpu%u ran "
		    "on cpu%u (%u of %u ran on the wrong CPU)", caller,
		    sj->sj_wrong_target, sj->sj_wrong_ran_on, sj->sj_wrong,
		    sj->sj_iters);
	if (sj->sj_stale != 0)
		fail_msg("cpu_xcall_sync from cpu%u returned before %u stores "
		    "of the function were visible", caller, sj->sj_stale);
}

void
pattern_job(void *arg)
{
	struct pattern_job *pj = arg;
	unsigned int i, ncpus = xcs_ncpus();
	struct cpu_info *target;
	int p;

	pattern_rec_init(&pj->pj_rec);
	for (i = 0; i < pj->pj_iters; i++) {
		for (p = 0; p < NPATTERNS; p++) {
			if ((pj->pj_mask & (1U << p)) == 0)
				continue;
			/* Rotating, the unicast ones visit curcpu() too. */
			if (pj->pj_target >= 0)
				target = xcs_cpu(pj->pj_target);
			else
				target = xcs_cpu((cpu_number() + i) % ncpus);
			pattern_run(p, target, &pj->pj_rec);
			if (pj->pj_pace)
				tu_wait_calm(target->ci_cpuid);
			pj->pj_calls[p]++;
			if (p < 2)
				pj->pj_uni_targets[target->ci_cpuid]++;
		}
	}
}

/*
 * Every CPU must have run the work exactly as often as it was posted to
 * it.  A CPU short of its count next to one over it means one ran the
 * other's xcalls: say so in those terms.
 */
void
pattern_check(struct pattern_job *pj, unsigned int ncpus)
{
	struct pattern_rec *pr = &pj->pj_rec;
	unsigned int n, m, want, bcasts;

	bcasts = pj->pj_calls[2] + pj->pj_calls[3] + pj->pj_calls[4];
	for (n = 0; n < ncpus; n++) {
		want = bcasts + pj->pj_uni_targets[n];
		if (pr->pr_runs[n] >= want)
			continue;
		for (m = 0; m < ncpus; m++) {
			if (pr->pr_runs[m] <= bcasts + pj->pj_uni_targets[m])
				continue;
			fail_msg("from cpu%u: xcall posted to cpu%u ran on "
			    "cpu%u (cpu%u ran %u of %u, cpu%u ran %u of %u)",
			    pr->pr_caller, n, m, n, pr->pr_runs[n], want, m,
			    pr->pr_runs[m], bcasts + pj->pj_uni_targets[m]);
		}
		fail_msg("from cpu%u: %u xcalls posted to cpu%u never ran",
		    pr->pr_caller, want - pr->pr_runs[n], n);
	}
	for (n = 0; n < ncpus; n++) {
		want = bcasts + pj->pj_uni_targets[n];
		if (pr->pr_runs[n] != want)
			fail_msg("from cpu%u: cpu%u ran %u xcalls, %u were "
			    "posted to it", pr->pr_caller, n, pr->pr_runs[n],
			    want);
	}
	if (pr->pr_bad_ipl != 0)
		fail_msg("from cpu%u: %u xcalls ran at an IPL other than "
		    "IPL_SOFTCLOCK", pr->pr_caller, pr->pr_bad_ipl);
	if (pr->pr_bad_ctx != 0)
		fail_msg("from cpu%u: %u remote xcalls ran outside interrupt "
		    "context", pr->pr_caller, pr->pr_bad_ctx);
	if (pr->pr_nested != 0)
		fail_msg("from cpu%u: %u xcalls ran nested inside another "
		    "xcall's dispatch", pr->pr_caller, pr->pr_nested);
}

void
patterns_run(unsigned int ncpus, enum xcs_idle idle, unsigned int iters,
    unsigned int mask, int target, int concurrent)
{
	patterns_run_paced(ncpus, idle, iters, mask, target, concurrent, 0);
}

void
patterns_run_paced(unsigned int ncpus, enum xcs_idle idle,
    unsigned int iters, unsigned int mask, int target, int concurrent,
    int pace)
{
	struct pattern_job *pj;
	unsigned int n, last = concurrent ? ncpus - 1 : 0;

	tu_boot(ncpus, idle);
	pj = calloc(ncpus, sizeof(*pj));
	assert_non_null(pj);
	for (n = 0; n < ncpus; n++) {
		pj[n].pj_iters = iters;
		pj[n].pj_mask = mask;
		pj[n].pj_target = target;
		pj[n].pj_pace = pace;
	}
	tu_run_on(0, last, pattern_job, pj, sizeof(*pj));
	for (n = 0; n <= last; n++)
		pattern_check(&pj[n], ncpus);
	free(pj);
	tu_shutdown();
}
