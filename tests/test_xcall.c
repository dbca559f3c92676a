/*	xcallsim: tests/test_xcall.c, cpu_xcall(9) on the MP machine	*/

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
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "testutil.h"

/* What one xcall saw each time it ran. */
struct probe {
	struct xcall	pb_xc;
	unsigned int	pb_runs;	/* [a] */
	unsigned int	pb_cpu;		/* CPU of the last run */
	int		pb_ilevel;
	int		pb_idepth;
	int		pb_handled;
	unsigned int	pb_posted;	/* [a] set before each post */
	unsigned int	pb_phantom;	/* [a] ran more often than posted */
};

static void
probe_fn(void *arg)
{
	struct probe *pb = arg;
	struct cpu_info *ci = curcpu();

	pb->pb_cpu = ci->ci_cpuid;
	pb->pb_ilevel = ci->ci_ilevel;
	pb->pb_idepth = ci->ci_idepth;
	pb->pb_handled = ci->ci_handled_intr_level;
	if (atomic_inc_int_nv(&pb->pb_runs) > atomic_load_int(&pb->pb_posted))
		atomic_inc_int(&pb->pb_phantom);
}

static void
probe_init(struct probe *pb)
{
	memset(pb, 0, sizeof(*pb));
	cpu_xcall_set(&pb->pb_xc, probe_fn, pb);
}

static void
probe_post(struct cpu_info *ci, struct probe *pb)
{
	atomic_inc_int(&pb->pb_posted);
	cpu_xcall(ci, &pb->pb_xc);
}

/* A job that holds its CPU at an IPL until released. */
struct hold {
	int		h_ipl;
	unsigned int	h_ready;	/* [a] at the IPL */
	unsigned int	h_release;	/* [a] may lower */
	u_int64_t	h_wait_bits;	/* wait for these in ci_ipending */
	unsigned int	h_runs_before;	/* probe runs seen before splx */
	unsigned int	h_runs_after;	/* ... and after it */
	struct probe	*h_probe;
	int		h_ilevel_after;
};

static void
hold_job(void *arg)
{
	struct hold *h = arg;
	struct cpu_info *ci = curcpu();
	int s;

	s = splraise(h->h_ipl);
	atomic_store_int(&h->h_ready, 1);
	while (atomic_load_int(&h->h_release) == 0)
		CPU_BUSY_CYCLE();
	while ((atomic_load_long(&ci->ci_ipending) & h->h_wait_bits) !=
	    h->h_wait_bits)
		CPU_BUSY_CYCLE();
	if (h->h_probe != NULL)
		h->h_runs_before = atomic_load_int(&h->h_probe->pb_runs);
	splx(s);
	if (h->h_probe != NULL)
		h->h_runs_after = atomic_load_int(&h->h_probe->pb_runs);
	h->h_ilevel_after = ci->ci_ilevel;
}

static void
hold_start(unsigned int n, struct hold *h, int ipl)
{
	memset(h, 0, sizeof(*h));
	h->h_ipl = ipl;
	assert_int_equal(xcs_cpu_start(n, hold_job, h), 0);
	assert_true(tu_wait_uint(&h->h_ready, 1));
}

static u_int64_t
pending(unsigned int n)
{
	return (atomic_load_long(&xcs_cpu(n)->ci_ipending));
}

static void
test_self_call(void **state)
{
	struct probe pb;
	int s;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);

	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_runs, 1);
	assert_int_equal(pb.pb_cpu, 0);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	assert_int_equal(pb.pb_idepth, 0);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	/* A caller above IPL_SOFTCLOCK keeps its level. */
	s = splvm();
	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_runs, 2);
	assert_int_equal(pb.pb_ilevel, IPL_VM);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	splx(s);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	cpu_xcall_sync(curcpu(), probe_fn, &pb, "xcself");
	assert_int_equal(pb.pb_runs, 3);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);

	tu_shutdown();
}

static void
remote_once(enum xcs_idle idle)
{
	struct probe pb;
	struct xcs_stats xs;
	unsigned int n, i, runs = 0;

	tu_boot(4, idle);
	probe_init(&pb);
	for (i = 0; i < 300; i++) {
		for (n = 1; n < 4; n++) {
			probe_post(xcs_cpu(n), &pb);
			assert_true(tu_wait_uint(&pb.pb_runs, ++runs));
			assert_int_equal(pb.pb_cpu, n);
			assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
			assert_int_equal(pb.pb_handled, IPL_SOFTCLOCK);
			assert_true(pb.pb_idepth > 0);
		}
	}
	assert_true(tu_wait_uint(&pb.pb_runs, runs));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(atomic_load_int(&pb.pb_runs), runs);
	assert_int_equal(pb.pb_phantom, 0);

	xcs_stats_total(&xs);
	assert_int_equal(xs.xs_posted, runs);
	assert_int_equal(xs.xs_dispatched, runs);
	if (idle == XCS_IDLE_POLL)
		assert_true(xs.xs_ipi_skipped > 0);
	else
		assert_true(xs.xs_ipi_sent > 0);
	tu_shutdown();
}

static void
test_remote_once_halt(void **state)
{
	remote_once(XCS_IDLE_HALT);
}

static void
test_remote_once_poll(void **state)
{
	remote_once(XCS_IDLE_POLL);
}

struct poster {
	struct cpu_info	*p_target;
	struct probe	*p_probe;
};

static void
poster_job(void *arg)
{
	struct poster *p = arg;

	probe_post(p->p_target, p->p_probe);
}

static int
cpu2_spinning(void *arg)
{
	struct xcs_stats xs;

	xcs_stats(2, &xs);
	return (xs.xs_slot_full_spins > 0);
}

/*
 * Four xcalls fill a CPU held at IPL_SOFTCLOCK; a fifth poster spins
 * until the target lowers its level, then all five run exactly once.
 */
static void
test_four_slots(void **state)
{
	struct probe pb[5];
	struct hold h;
	struct poster p;
	struct cpu_info *t;
	size_t i;

	tu_boot(3, XCS_IDLE_HALT);
	t = xcs_cpu(1);
	hold_start(1, &h, IPL_SOFTCLOCK);
	for (i = 0; i < 5; i++)
		probe_init(&pb[i]);
	for (i = 0; i < 4; i++)
		probe_post(t, &pb[i]);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(t->ci_xcall.xci_xcalls[i], &pb[i].pb_xc);

	p.p_target = t;
	p.p_probe = &pb[4];
	assert_int_equal(xcs_cpu_start(2, poster_job, &p), 0);
	assert_true(tu_wait(cpu2_spinning, NULL));

	/* The target took the IPI but SIR_XCALL waits for splx. */
	h.h_wait_bits = 1UL << SIR_XCALL;
	for (i = 0; i < 5; i++)
		assert_int_equal(atomic_load_int(&pb[i].pb_runs), 0);
	atomic_store_int(&h.h_release, 1);

	assert_int_equal(xcs_cpu_join(1), 0);
	assert_int_equal(xcs_cpu_join(2), 0);
	for (i = 0; i < 5; i++)
		assert_true(tu_wait_uint(&pb[i].pb_runs, 1));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(pb[i].pb_runs, 1);
		assert_int_equal(pb[i].pb_cpu, 1);
		assert_int_equal(pb[i].pb_ilevel, IPL_SOFTCLOCK);
	}
	tu_shutdown();
}

/* An xcall to a CPU at raised IPL runs nothing until splx. */
static void
deferral(int ipl, u_int64_t bits)
{
	struct probe pb, pb2;
	struct hold h;
	struct xcs_stats xs;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);
	probe_init(&pb2);
	hold_start(1, &h, ipl);
	h.h_probe = &pb;
	h.h_wait_bits = bits;
	probe_post(xcs_cpu(1), &pb);
	probe_post(xcs_cpu(1), &pb2);
	atomic_store_int(&h.h_release, 1);
	assert_int_equal(xcs_cpu_join(1), 0);

	assert_int_equal(h.h_runs_before, 0);
	assert_int_equal(h.h_runs_after, 1);
	assert_int_equal(h.h_ilevel_after, IPL_NONE);
	assert_int_equal(pb.pb_runs, 1);
	assert_int_equal(pb2.pb_runs, 1);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	assert_int_equal(pending(1), 0);

	xcs_stats(1, &xs);
	if (ipl >= IPL_IPI)
		assert_true(xs.xs_ipi_deferred > 0);
	else
		assert_true(xs.xs_soft_deferred > 0);
	tu_shutdown();
}

static void
test_deferral_splvm(void **state)
{
	deferral(IPL_VM, 1UL << SIR_XCALL);
}

static void
test_deferral_splipi(void **state)
{
	/* At IPL_IPI the IPI itself waits for splx. */
	deferral(IPL_IPI, 1UL << LIR_IPI);
}

static void
test_coalescing(void **state)
{
	struct probe pb, pb2;
	struct hold h;
	struct xcs_stats xs;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);
	probe_init(&pb2);
	hold_start(1, &h, IPL_IPI);
	h.h_wait_bits = 1UL << LIR_IPI;
	probe_post(xcs_cpu(1), &pb);
	probe_post(xcs_cpu(1), &pb2);
	xcs_stats(0, &xs);
	assert_int_equal(xs.xs_ipi_sent, 1);
	assert_int_equal(xs.xs_ipi_coalesced, 1);
	atomic_store_int(&h.h_release, 1);
	assert_int_equal(xcs_cpu_join(1), 0);
	assert_true(tu_wait_uint(&pb2.pb_runs, 1));
	assert_int_equal(pb.pb_runs, 1);
	tu_shutdown();
}

/* cpu_xcall_sync returns after the function ran and sees its stores. */
#define SYNC_WORDS	64

struct sync_data {
	unsigned long	sd_words[SYNC_WORDS];
	unsigned int	sd_cpu;
	unsigned long	sd_seed;
};

static void
sync_fn(void *arg)
{
	struct sync_data *sd = arg;
	size_t i;

	for (i = 0; i < SYNC_WORDS; i++)
		sd->sd_words[i] = sd->sd_seed * 31 + i;
	sd->sd_cpu = cpu_number();
}

struct sync_job {
	unsigned int	sj_iters;
	unsigned int	sj_errors;
	unsigned int	sj_wrong_cpu;
};

static void
sync_job(void *arg)
{
	struct sync_job *sj = arg;
	struct sync_data sd;
	unsigned int self = cpu_number(), target, i;
	size_t w;

	for (i = 0; i < sj->sj_iters; i++) {
		target = (self + 1 + i % (xcs_ncpus() - 1)) % xcs_ncpus();
		memset(&sd, 0, sizeof(sd));
		sd.sd_seed = ((unsigned long)self << 32) | i;
		cpu_xcall_sync(xcs_cpu(target), sync_fn, &sd, "xcsync");
		for (w = 0; w < SYNC_WORDS; w++) {
			if (sd.sd_words[w] != sd.sd_seed * 31 + w)
				sj->sj_errors++;
		}
		if (sd.sd_cpu != target)
			sj->sj_wrong_cpu++;
	}
}

static void
test_sync(void **state)
{
	struct sync_job sj[4];
	unsigned int n;

	tu_boot(4, XCS_IDLE_HALT);
	memset(sj, 0, sizeof(sj));
	for (n = 0; n < 4; n++)
		sj[n].sj_iters = 2000;
	/* Every CPU at once: callers and targets of each other. */
	tu_run_on(0, 3, sync_job, sj, sizeof(sj[0]));
	for (n = 0; n < 4; n++) {
		assert_int_equal(sj[n].sj_errors, 0);
		assert_int_equal(sj[n].sj_wrong_cpu, 0);
	}
	tu_shutdown();
}

/* The five patterns from the mail, from one CPU and from all at once. */
struct pattern_job {
	struct pattern_rec	pj_rec;
	unsigned int		pj_iters;
	unsigned int		pj_calls[NPATTERNS];
	unsigned int		pj_uni_targets[MAXCPUS];
};

static void
pattern_job(void *arg)
{
	struct pattern_job *pj = arg;
	unsigned int i, ncpus = xcs_ncpus();
	struct cpu_info *target;
	int p;

	pattern_rec_init(&pj->pj_rec);
	for (i = 0; i < pj->pj_iters; i++) {
		for (p = 0; p < NPATTERNS; p++) {
			/* The unicast patterns include curcpu() too. */
			target = xcs_cpu((cpu_number() + i) % ncpus);
			pattern_run(p, target, &pj->pj_rec);
			pj->pj_calls[p]++;
			if (p < 2)
				pj->pj_uni_targets[target->ci_cpuid]++;
		}
	}
}

static void
pattern_check(struct pattern_job *pj, unsigned int ncpus)
{
	struct pattern_rec *pr = &pj->pj_rec;
	unsigned int n, bcasts = pj->pj_calls[2] + pj->pj_calls[3] +
	    pj->pj_calls[4];

	assert_int_equal(pr->pr_bad_ipl, 0);
	assert_int_equal(pr->pr_bad_ctx, 0);
	assert_int_equal(pr->pr_nested, 0);
	for (n = 0; n < ncpus; n++)
		assert_int_equal(pr->pr_runs[n],
		    bcasts + pj->pj_uni_targets[n]);
}

static void
patterns(unsigned int ncpus, enum xcs_idle idle, unsigned int iters,
    int concurrent)
{
	struct pattern_job *pj;
	unsigned int n, last = concurrent ? ncpus - 1 : 0;

	tu_boot(ncpus, idle);
	pj = calloc(ncpus, sizeof(*pj));
	assert_non_null(pj);
	for (n = 0; n < ncpus; n++)
		pj[n].pj_iters = iters;
	tu_run_on(0, last, pattern_job, pj, sizeof(*pj));
	for (n = 0; n <= last; n++)
		pattern_check(&pj[n], ncpus);
	free(pj);
	tu_shutdown();
}

static void
test_patterns_2(void **state)
{
	patterns(2, XCS_IDLE_HALT, 2000, 0);
	patterns(2, XCS_IDLE_HALT, 1000, 1);
}

static void
test_patterns_8(void **state)
{
	patterns(8, XCS_IDLE_HALT, 200, 0);
	patterns(8, XCS_IDLE_HALT, 50, 1);
}

static void
test_patterns_64(void **state)
{
	patterns(64, XCS_IDLE_HALT, 10, 0);
	patterns(64, XCS_IDLE_HALT, 2, 1);
}

static void
test_patterns_poll(void **state)
{
	patterns(2, XCS_IDLE_POLL, 1000, 0);
	patterns(2, XCS_IDLE_POLL, 500, 1);
	patterns(4, XCS_IDLE_POLL, 50, 1);
}

/* One struct xcall, queued in a slot of every other CPU at once. */
static void
test_same_xcall_everywhere(void **state)
{
	struct hold h[8];
	struct probe pb;
	struct xcs_stats xs;
	unsigned int n;

	tu_boot(8, XCS_IDLE_HALT);
	probe_init(&pb);
	for (n = 1; n < 8; n++)
		hold_start(n, &h[n], IPL_SOFTCLOCK);
	for (n = 1; n < 8; n++)
		probe_post(xcs_cpu(n), &pb);
	for (n = 1; n < 8; n++)
		assert_ptr_equal(xcs_cpu(n)->ci_xcall.xci_xcalls[0],
		    &pb.pb_xc);
	assert_int_equal(atomic_load_int(&pb.pb_runs), 0);
	for (n = 1; n < 8; n++)
		atomic_store_int(&h[n].h_release, 1);
	for (n = 1; n < 8; n++)
		assert_int_equal(xcs_cpu_join(n), 0);
	assert_true(tu_wait_uint(&pb.pb_runs, 7));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(pb.pb_runs, 7);
	assert_int_equal(pb.pb_phantom, 0);
	xcs_stats_total(&xs);
	assert_int_equal(xs.xs_dispatched, 7);
	tu_shutdown();
}

/* A callback that posts itself again: around the ring, and to itself. */
struct ring {
	struct xcall	r_xc;
	unsigned int	r_hops;		/* [a] */
	unsigned int	r_limit;
	unsigned int	r_expect;	/* CPU the next hop must run on */
	unsigned int	r_wrong;
	unsigned int	r_self;		/* self re-posts still to do */
	unsigned int	r_per_cpu[MAXCPUS];
};

static void
ring_fn(void *arg)
{
	struct ring *r = arg;
	unsigned int cpu = cpu_number(), hops;

	if (r->r_self > 0) {
		/* Posting to curcpu() runs inline, right here. */
		r->r_self--;
		cpu_xcall(curcpu(), &r->r_xc);
		return;
	}
	if (cpu != r->r_expect)
		r->r_wrong++;
	r->r_per_cpu[cpu]++;
	hops = r->r_hops + 1;
	if (hops < r->r_limit) {
		r->r_expect = (cpu + 1) % xcs_ncpus();
		r->r_self = 1;
		/* The store of r_hops is the last thing this CPU does. */
		atomic_store_int(&r->r_hops, hops);
		cpu_xcall(xcs_cpu(r->r_expect), &r->r_xc);
	} else
		atomic_store_int(&r->r_hops, hops);
}

static void
test_repost(void **state)
{
	struct ring r;
	unsigned int n;

	tu_boot(4, XCS_IDLE_HALT);
	memset(&r, 0, sizeof(r));
	cpu_xcall_set(&r.r_xc, ring_fn, &r);
	r.r_limit = 4 * 250;
	r.r_expect = 1;
	cpu_xcall(xcs_cpu(1), &r.r_xc);
	assert_true(tu_wait_uint(&r.r_hops, r.r_limit));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(r.r_hops, r.r_limit);
	assert_int_equal(r.r_wrong, 0);
	for (n = 0; n < 4; n++)
		assert_int_equal(r.r_per_cpu[n], 250);
	tu_shutdown();
}

/*
 * Many CPUs hammer one target with fire-and-forget xcalls: nothing is
 * lost, nothing runs twice or unposted, dispatch never nests, and the
 * slots overflow into spins.
 */
#define HAMMER_PROBES	16

struct hammer {
	struct probe	*hm_probes;	/* HAMMER_PROBES per poster */
	unsigned int	 hm_iters;
};

static void
hammer_job(void *arg)
{
	struct hammer *hm = arg;
	struct probe *pb;
	unsigned int i;

	for (i = 0; i < hm->hm_iters; i++) {
		pb = &hm->hm_probes[i % HAMMER_PROBES];
		/* Reuse a probe only once its last post has run. */
		while (atomic_load_int(&pb->pb_runs) !=
		    atomic_load_int(&pb->pb_posted))
			CPU_BUSY_CYCLE();
		probe_post(xcs_cpu(0), pb);
	}
}

static void
test_hammer(void **state)
{
	struct hammer hm[8];
	struct probe *pbs;
	struct xcs_stats xs;
	unsigned int n, i, total = 0;

	tu_boot(8, XCS_IDLE_HALT);
	pbs = calloc(8 * HAMMER_PROBES, sizeof(*pbs));
	assert_non_null(pbs);
	for (i = 0; i < 8 * HAMMER_PROBES; i++)
		probe_init(&pbs[i]);
	for (n = 1; n < 8; n++) {
		hm[n].hm_probes = &pbs[n * HAMMER_PROBES];
		hm[n].hm_iters = 3000;
	}
	/* cpu0 is the target: it waits in xcs_cpu_join, taking IPIs. */
	tu_run_on(1, 7, hammer_job, hm, sizeof(hm[0]));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	for (i = 0; i < 8 * HAMMER_PROBES; i++) {
		assert_int_equal(pbs[i].pb_runs, pbs[i].pb_posted);
		assert_int_equal(pbs[i].pb_phantom, 0);
		total += pbs[i].pb_runs;
		if (pbs[i].pb_runs > 0) {
			assert_int_equal(pbs[i].pb_cpu, 0);
			assert_int_equal(pbs[i].pb_ilevel, IPL_SOFTCLOCK);
		}
	}
	assert_int_equal(total, 7 * 3000);
	xcs_stats_total(&xs);
	assert_int_equal(xs.xs_posted, total);
	assert_int_equal(xs.xs_dispatched, total);
	free(pbs);
	tu_shutdown();
}

/* Sleeping where the kernel may not is caught. */
static struct cond sleepy_cond = COND_INITIALIZER();

static void
sleepy_fn(void *arg)
{
	cond_wait(&sleepy_cond, "sleepy");
}

static void
post_sleepy_job(void *arg)
{
	struct xcall *xc = arg;

	cpu_xcall(xcs_cpu(2), xc);
	while (xcs_panic_message() == NULL)
		CPU_BUSY_CYCLE();
}

static void
test_sleep_in_xcall(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(sleepy_fn, NULL);
	const char *msg;

	tu_boot(3, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, post_sleepy_job, &xc, "interrupt context");
	assert_non_null(strstr(msg, "cpu2"));
	assert_non_null(strstr(msg, "IPL_SOFTCLOCK"));
	tu_shutdown_panicked();
}

static void
nop_fn(void *arg)
{
}

static void
sync_from_intr_fn(void *arg)
{
	cpu_xcall_sync(xcs_cpu(2), nop_fn, NULL, "xcnested");
}

static void
test_sync_from_interrupt(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(sync_from_intr_fn, NULL);

	tu_boot(3, XCS_IDLE_HALT);
	/* cpu1's xcall calls cpu_xcall_sync: it may not sleep there. */
	cpu_xcall(xcs_cpu(1), &xc);
	while (xcs_panic_message() == NULL)
		CPU_BUSY_CYCLE();
	assert_non_null(strstr(xcs_panic_message(), "interrupt context"));
	assert_non_null(strstr(xcs_panic_message(), "cpu1"));
	tu_shutdown_panicked();
}

static void
sleep_raised_job(void *arg)
{
	int s;

	s = splvm();
	cond_wait(&sleepy_cond, "raised");
	splx(s);
}

static void
test_sleep_at_raised_ipl(void **state)
{
	const char *msg;

	tu_boot(2, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, sleep_raised_job, NULL, "IPL_VM");
	assert_non_null(strstr(msg, "cpu1"));
	tu_shutdown_panicked();
}

static struct mutex test_mtx = MUTEX_INITIALIZER(IPL_NONE);

static void
sleep_locked_job(void *arg)
{
	mtx_enter(&test_mtx);
	cond_wait(&sleepy_cond, "locked");
	mtx_leave(&test_mtx);
}

static void
test_sleep_with_mutex(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	/* An MP mutex raises to IPL_MPFLOOR, which is caught first. */
	tu_expect_panic(1, sleep_locked_job, NULL, "IPL_TTY");
	tu_shutdown_panicked();
}

static void
null_xcall_job(void *arg)
{
	cpu_xcall(xcs_cpu(1), NULL);
}

static void
test_null_xcall(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(0, null_xcall_job, NULL, "NULL");
	assert_int_equal(xcs_cpu_join(0), EINVAL);
	tu_shutdown_panicked();
}

static void
bogus_cpu_job(void *arg)
{
	static struct cpu_info bogus;
	struct xcall xc = XCALL_INITIALIZER(nop_fn, NULL);

	cpu_xcall(&bogus, &xc);
}

static void
test_bogus_cpu(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(1, bogus_cpu_job, NULL,
	    "is not the cpu_info of a booted CPU");
	tu_shutdown_panicked();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_self_call),
		TU_TEST(test_remote_once_halt),
		TU_TEST(test_remote_once_poll),
		TU_TEST(test_four_slots),
		TU_TEST(test_deferral_splvm),
		TU_TEST(test_deferral_splipi),
		TU_TEST(test_coalescing),
		TU_TEST(test_sync),
		TU_TEST(test_patterns_2),
		TU_TEST(test_patterns_8),
		TU_TEST(test_patterns_64),
		TU_TEST(test_patterns_poll),
		TU_TEST(test_same_xcall_everywhere),
		TU_TEST(test_repost),
		TU_TEST(test_hammer),
		TU_TEST(test_sleep_in_xcall),
		TU_TEST(test_sync_from_interrupt),
		TU_TEST(test_sleep_at_raised_ipl),
		TU_TEST(test_sleep_with_mutex),
		TU_TEST(test_null_xcall),
		TU_TEST(test_bogus_cpu),
	};

	tu_filter();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
