/*	xcallsim: tests/test_concurrent.c, many CPUs posting at once	*/

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
 * Broadcasts and concurrent callers.  These need dispatch to run on
 * every target at once; the softintr generation of the MI code (1.1)
 * can run one CPU's xcalls on another here, and these tests say so.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "testutil.h"

/* Every CPU calls cpu_xcall_sync on the others, all at once. */
static void
test_sync_all(void **state)
{
	struct sync_job sj[4];
	unsigned int n;

	tu_boot(4, XCS_IDLE_HALT);
	memset(sj, 0, sizeof(sj));
	for (n = 0; n < 4; n++) {
		sj[n].sj_iters = 2000;
		sj[n].sj_target = -1;
	}
	tu_run_on(0, 3, sync_job, sj, sizeof(sj[0]));
	for (n = 0; n < 4; n++)
		sync_check(&sj[n], n);
	tu_shutdown();
}

/* cpu_xcall_sync from cpu0 to each other CPU in turn. */
static void
test_sync_rotate(void **state)
{
	struct sync_job sj;

	tu_boot(4, XCS_IDLE_HALT);
	memset(&sj, 0, sizeof(sj));
	sj.sj_iters = 3000;
	sj.sj_target = -1;
	sync_job(&sj);
	sync_check(&sj, 0);
	tu_shutdown();
}

static void
test_patterns_2(void **state)
{
	patterns_run(2, XCS_IDLE_HALT, 2000, PATTERNS_ALL, -1, 0);
	patterns_run(2, XCS_IDLE_HALT, 1000, PATTERNS_ALL, -1, 1);
}

static void
test_patterns_8(void **state)
{
	patterns_run(8, XCS_IDLE_HALT, 200, PATTERNS_ALL, -1, 0);
	patterns_run(8, XCS_IDLE_HALT, 50, PATTERNS_ALL, -1, 1);
}

static void
test_patterns_64(void **state)
{
	patterns_run(64, XCS_IDLE_HALT, 10, PATTERNS_ALL, -1, 0);
	patterns_run(64, XCS_IDLE_HALT, 2, PATTERNS_ALL, -1, 1);
}

static void
test_patterns_poll(void **state)
{
	patterns_run(2, XCS_IDLE_POLL, 1000, PATTERNS_ALL, -1, 0);
	patterns_run(2, XCS_IDLE_POLL, 500, PATTERNS_ALL, -1, 1);
	patterns_run(4, XCS_IDLE_POLL, 50, PATTERNS_ALL, -1, 1);
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
	/* One xcall in some slot of every target at once. */
	for (n = 1; n < 8; n++)
		assert_true(tu_slot_of(xcs_cpu(n), &pb.pb_xc) >= 0);
	assert_int_equal(atomic_load_int(&pb.pb_runs), 0);
	for (n = 1; n < 8; n++)
		atomic_store_int(&h[n].h_release, 1);
	for (n = 1; n < 8; n++)
		assert_int_equal(tu_join(n), 0);
	assert_true(tu_wait_uint(&pb.pb_runs, 7));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(pb.pb_runs, 7);
	assert_int_equal(pb.pb_phantom, 0);
	xcs_stats_total(&xs);
	assert_int_equal(xs.xs_dispatched, 7);
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
	unsigned int	 hm_stuck;	/* a post never ran */
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
		if (!tu_wait_uint(&pb->pb_runs, atomic_load_int(
		    &pb->pb_posted))) {
			hm->hm_stuck++;
			return;
		}
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
	/* cpu0 is the target: it waits in xcs_cpu_join, taking IPIs. */
	memset(hm, 0, sizeof(hm));
	for (n = 1; n < 8; n++) {
		hm[n].hm_probes = &pbs[n * HAMMER_PROBES];
		hm[n].hm_iters = 3000;
	}
	tu_run_on(1, 7, hammer_job, hm, sizeof(hm[0]));
	for (n = 1; n < 8; n++) {
		if (hm[n].hm_stuck)
			fail_msg("cpu%u: an xcall it posted to cpu0 never ran",
			    n);
	}
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

/* A callback that posts itself again: around the ring, and to itself. */
struct ring {
	struct xcall	r_xc;
	unsigned int	r_hops;		/* [a] */
	unsigned int	r_limit;
	unsigned int	r_expect;	/* CPU the next hop must run on */
	unsigned int	r_wrong;
	unsigned int	r_wrong_expect;	/* first wrong hop: posted to ... */
	unsigned int	r_wrong_cpu;	/* ... ran on */
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
	if (cpu != r->r_expect && r->r_wrong++ == 0) {
		r->r_wrong_expect = r->r_expect;
		r->r_wrong_cpu = cpu;
	}
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
	if (r.r_wrong != 0)
		fail_msg("xcall posted to cpu%u ran on cpu%u (%u of %u hops "
		    "ran on the wrong CPU)", r.r_wrong_expect, r.r_wrong_cpu,
		    r.r_wrong, r.r_limit);
	for (n = 0; n < 4; n++)
		assert_int_equal(r.r_per_cpu[n], 250);
	tu_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_sync_rotate),
		TU_TEST(test_sync_all),
		TU_TEST(test_patterns_2),
		TU_TEST(test_patterns_8),
		TU_TEST(test_patterns_64),
		TU_TEST(test_patterns_poll),
		TU_TEST(test_same_xcall_everywhere),
		TU_TEST(test_hammer),
		TU_TEST(test_repost),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
