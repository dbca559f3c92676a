/*	xcallsim: tests/test_replay.c, seeded replay and exact deadlocks */

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
 * Seeded replay: the same seed gives the same interleaving, counters
 * and trace; different seeds give different ones; PCT finds an ordering
 * that needs a switch at one exact step, and replaying that seed finds
 * it again; a deadlock is reported exactly, with its wait-for chain and
 * the seed, as soon as no CPU can run.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/proc.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#define RP_NCPUS	3
#define RP_TRACE	"test_replay_trace.json"

/* Everything a run leaves that the same seed must leave again. */
struct rp_run {
	uint64_t		rr_steps;
	struct xcs_stats	rr_stats[RP_NCPUS];
	char			*rr_trace;
	char			rr_panic[512];
};

static void
rp_boot(unsigned int ncpus, uint64_t seed, unsigned int steps,
    const char *faults)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = ncpus;
	cfg.xc_replay = 1;
	cfg.xc_replay_seed = seed;
	if (steps != 0)
		cfg.xc_replay_steps = steps;
	cfg.xc_faults = faults;
	cfg.xc_trace_events = 1 << 14;
	tu_boot_config(&cfg);
}

/*
 * The trace with its addresses blanked: functions and channels on the
 * CPUs' stacks may sit elsewhere in the next run, the order may not.
 */
static char *
rp_trace(void)
{
	char *json, *p, *q;

	assert_int_equal(xcs_trace_export(RP_TRACE), 0);
	json = tu_slurp(RP_TRACE);
	remove(RP_TRACE);
	for (p = q = json; *p != '\0'; ) {
		if (p[0] == '0' && p[1] == 'x') {
			*q++ = '#';
			for (p += 2; strchr("0123456789abcdef", *p) != NULL &&
			    *p != '\0'; p++)
				;
		} else
			*q++ = *p++;
	}
	*q = '\0';
	return (json);
}

/* Record what the machine did, then shut it down. */
static void
rp_record(struct rp_run *rr, unsigned int ncpus)
{
	const char *msg = xcs_panic_message();
	unsigned int n;

	rr->rr_steps = xcs_replay_steps();
	for (n = 0; n < ncpus && n < RP_NCPUS; n++)
		assert_int_equal(xcs_stats(n, &rr->rr_stats[n]), 0);
	rr->rr_trace = rp_trace();
	snprintf(rr->rr_panic, sizeof(rr->rr_panic), "%s",
	    msg != NULL ? msg : "");
}

/* The five patterns from every CPU at once, checked, then recorded. */
static void
rp_patterns(uint64_t seed, struct rp_run *rr)
{
	struct pattern_job pj[RP_NCPUS];
	unsigned int n;

	rp_boot(RP_NCPUS, seed, 0, NULL);
	memset(pj, 0, sizeof(pj));
	for (n = 0; n < RP_NCPUS; n++) {
		pj[n].pj_iters = 2;
		pj[n].pj_mask = PATTERNS_ALL;
		pj[n].pj_target = -1;
	}
	tu_run_on(0, RP_NCPUS - 1, pattern_job, pj, sizeof(pj[0]));
	for (n = 0; n < RP_NCPUS; n++)
		pattern_check(&pj[n], RP_NCPUS);
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	rp_record(rr, RP_NCPUS);
	tu_shutdown();
}

static void
rp_assert_same(struct rp_run *a, struct rp_run *b)
{
	assert_true(a->rr_steps > 0);
	assert_int_equal(a->rr_steps, b->rr_steps);
	assert_memory_equal(a->rr_stats, b->rr_stats, sizeof(a->rr_stats));
	assert_string_equal(a->rr_trace, b->rr_trace);
	assert_string_equal(a->rr_panic, b->rr_panic);
}

static void
rp_free(struct rp_run *rr)
{
	free(rr->rr_trace);
	rr->rr_trace = NULL;
}

/* One seed, twice: the same steps, counters and trace, event by event. */
static void
test_same_seed_same_run(void **state)
{
	struct rp_run a, b;

	rp_patterns(11, &a);
	rp_patterns(11, &b);
	rp_assert_same(&a, &b);
	/* The trace has the work in it, not just the boot. */
	assert_non_null(strstr(a.rr_trace, "cpu_xcall_dispatch"));
	rp_free(&a);
	rp_free(&b);
}

/* Seeds choose different interleavings, each of them correct. */
static void
test_seeds_differ(void **state)
{
	struct rp_run rr[6];
	unsigned int i, j, distinct = 0;

	for (i = 0; i < nitems(rr); i++) {
		rp_patterns(100 + i, &rr[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(rr[i].rr_trace, rr[j].rr_trace) == 0)
				break;
		}
		if (j == i)
			distinct++;
	}
	assert_true(distinct >= 3);
	for (i = 0; i < nitems(rr); i++)
		rp_free(&rr[i]);
}

/*
 * A lost update, the kind of bug PCT is for: an xcall function that
 * increments a shared word with a load and a store loses an increment
 * only if another CPU runs the same function between the two.
 */
static unsigned int rp_word;		/* [a] the racy counter */
static unsigned int rp_ran;		/* [a] functions finished */

static void
rp_racy_increment(void *arg)
{
	unsigned int v, i;

	v = atomic_load_int(&rp_word);
	/* Some work between the load and the store: a window of steps. */
	for (i = 0; i < 16; i++)
		(void)atomic_load_int(&rp_ran);
	atomic_store_int(&rp_word, v + 1);
	atomic_inc_int(&rp_ran);
}

/* cpu0 posts the increment to every other CPU; returns the word. */
static unsigned int
rp_race(uint64_t seed, struct rp_run *rr)
{
	struct xcall xc[4];
	unsigned int n, word;

	rp_boot(4, seed, 200, NULL);
	atomic_store_int(&rp_word, 0);
	atomic_store_int(&rp_ran, 0);
	for (n = 1; n < 4; n++) {
		cpu_xcall_set(&xc[n], rp_racy_increment, NULL);
		cpu_xcall(xcs_cpu(n), &xc[n]);
	}
	assert_true(tu_wait_uint(&rp_ran, 3));
	word = atomic_load_int(&rp_word);
	if (rr != NULL)
		rp_record(rr, 4);
	tu_shutdown();
	return (word);
}

static void
test_pct_finds_lost_update(void **state)
{
	struct rp_run a, b;
	uint64_t seed, lost = 0;
	unsigned int nlost = 0, nkept = 0;

	for (seed = 1; seed <= 60; seed++) {
		if (rp_race(seed, NULL) < 3) {
			if (lost == 0)
				lost = seed;
			nlost++;
		} else
			nkept++;
	}
	print_message("lost update on %u of 60 seeds, first %llu; %llu "
	    "steps\n", nlost, (unsigned long long)lost,
	    (unsigned long long)xcs_replay_steps());
	assert_true(nlost > 0);
	assert_true(nkept > 0);

	/* The failing seed fails again, the same way. */
	assert_true(rp_race(lost, &a) < 3);
	assert_true(rp_race(lost, &b) < 3);
	rp_assert_same(&a, &b);
	rp_free(&a);
	rp_free(&b);
}

/*
 * The deadlock of test_watchdog, found without a timeout: cpu1 and
 * cpu2 at IPL_VM fill each other's slots and spin.
 */
static unsigned int rp_raised;		/* [a] CPUs at IPL_VM */

static void
rp_nothing(void *arg)
{
}

static void
rp_crosser(void *arg)
{
	static struct xcall xc[RP_NCPUS][5];
	unsigned int me = cpu_number(), i;
	int s;

	s = splvm();
	atomic_inc_int(&rp_raised);
	(void)tu_wait_uint(&rp_raised, 2);
	for (i = 0; i < nitems(xc[me]); i++) {
		cpu_xcall_set(&xc[me][i], rp_nothing, NULL);
		cpu_xcall(xcs_cpu(me == 1 ? 2 : 1), &xc[me][i]);
	}
	splx(s);
}

/* Run the crossers under seed; the panic message is in rr. */
static void
rp_cross(uint64_t seed, struct rp_run *rr)
{
	rp_boot(RP_NCPUS, seed, 0, NULL);
	atomic_store_int(&rp_raised, 0);
	assert_int_equal(xcs_cpu_start(1, rp_crosser, NULL), 0);
	assert_int_equal(xcs_cpu_start(2, rp_crosser, NULL), 0);
	/* Whichever CPU finds the deadlock, the joins end cancelled. */
	assert_int_equal(tu_join(1), ECANCELED);
	assert_non_null(xcs_panic_message());
	rp_record(rr, RP_NCPUS);
	tu_shutdown_panicked();
}

static void
test_deadlock_cycle_exact(void **state)
{
	struct rp_run a, b;
	char want[64];

	rp_cross(5, &a);
	assert_non_null(strstr(a.rr_panic, "replay: deadlock since step"));
	assert_true(strstr(a.rr_panic, "wait-for cycle cpu1 (IPL_VM) -> "
	    "cpu2 (IPL_VM) -> cpu1") != NULL ||
	    strstr(a.rr_panic, "wait-for cycle cpu2 (IPL_VM) -> "
	    "cpu1 (IPL_VM) -> cpu2") != NULL);
	snprintf(want, sizeof(want), "XCALLSIM_REPLAY=5:3:2000 replays it");
	assert_non_null(strstr(a.rr_panic, want));

	/* Replaying the seed deadlocks at the same step. */
	rp_cross(5, &b);
	rp_assert_same(&a, &b);
	rp_free(&a);
	rp_free(&b);
}

/*
 * The widen fault under replay.  Two drainers of cpu0's slots in the
 * shape of upstream 1.1's cpu_xcall_handler(), a plain load and then a
 * plain store, run as soft interrupts on cpu1 and cpu2, as the earlier
 * glue's global softintr queue let them.  Without the fault the pair
 * runs with the point before it and no seed runs the xcall twice; with
 * it each access is a point, and PCT finds a seed where both drainers
 * load the xcall before either clears the slot.
 */
static unsigned int rp_drained;		/* [a] runs of the xcall */

static void
rp_count(void *arg)
{
	atomic_inc_int(&rp_drained);
}

/* Racy by design, as upstream 1.1 was: it is the bug under test. */
__attribute__((__no_sanitize_thread__)) static void
rp_load_store_drain(void *arg)
{
	struct xcall_cpu *xci = &((struct cpu_info *)arg)->ci_xcall;
	struct xcall *xc;
	size_t i;

	for (i = 0; i < nitems(xci->xci_xcalls); i++) {
		xc = xci->xci_xcalls[i];
		if (xc != NULL) {
			xci->xci_xcalls[i] = NULL;
			(*xc->xc_func)(xc->xc_arg);
		}
	}
}

/* Schedule a drainer; it runs here, or wherever the queue is drained. */
static void
rp_drainer_job(void *sih)
{
	int s;

	s = splsoftclock();
	softintr_schedule(sih);
	splx(s);
}

/* How many times the two drainers ran the one xcall under seed. */
static unsigned int
rp_drain_twice(uint64_t seed, const char *faults)
{
	static struct xcall xc = XCALL_INITIALIZER(rp_count, NULL);
	struct cpu_info *ci0;
	void *sih[2];
	unsigned int n;

	/* About 55 steps: PCT's change points fall among them. */
	rp_boot(RP_NCPUS, seed, 60, faults);
	ci0 = xcs_cpu(0);
	atomic_store_int(&rp_drained, 0);
	for (n = 0; n < 2; n++) {
		sih[n] = softintr_establish(IPL_SOFTCLOCK | IPL_MPSAFE,
		    rp_load_store_drain, ci0);
		assert_non_null(sih[n]);
	}
	/* In cpu0's slot with no IPI: only the drainers take it. */
	assert_null(atomic_cas_ptr(&ci0->ci_xcall.xci_xcalls[0], NULL, &xc));
	for (n = 0; n < 2; n++)
		assert_int_equal(xcs_cpu_start(n + 1, rp_drainer_job, sih[n]),
		    0);
	for (n = 0; n < 2; n++)
		assert_int_equal(tu_join(n + 1), 0);
	/* The joins order the drainers' stores before this read. */
	assert_null(ci0->ci_xcall.xci_xcalls[0]);
	n = atomic_load_int(&rp_drained);
	tu_shutdown();
	return (n);
}

/*
 * A change point must fall right after the first drainer's load, about
 * one seed in forty: look through a thousand.
 */
static void
test_widen_finds_double_run(void **state)
{
	uint64_t seed, found = 0;

	for (seed = 1; seed <= 1000 && found == 0; seed++) {
		if (rp_drain_twice(seed, "widen=1") == 2)
			found = seed;
	}
	if (found == 0)
		fail_msg("no seed of 1000 ran the xcall twice under widen");
	print_message("widen: seed %llu runs the xcall twice\n",
	    (unsigned long long)found);
	/* Without the fault the window never opens, whatever the seed. */
	for (seed = 1; seed <= MAX(found, 200); seed++)
		assert_int_equal(rp_drain_twice(seed, NULL), 1);
}

/*
 * A dropped IPI: cpu1's cpu_xcall_sync sleeps for good, its xcall sits
 * in cpu2's slot, and cpu0 joins cpu1.  No cycle: a chain that ends in
 * the sleep.
 */
static void
rp_sync_to_cpu2(void *arg)
{
	cpu_xcall_sync(xcs_cpu(2), rp_nothing, NULL, "rpsync");
}

static void
test_deadlock_dropped_ipi(void **state)
{
	const char *msg;

	rp_boot(RP_NCPUS, 9, 0, "drop=1");
	assert_int_equal(xcs_cpu_run(1, rp_sync_to_cpu2, NULL), ECANCELED);
	msg = xcs_panic_message();
	assert_non_null(msg);
	assert_non_null(strstr(msg, "wait-for chain cpu0 (IPL_NONE) -> "
	    "cpu1 (IPL_NONE) sleeps on \"rpsync\""));
	tu_shutdown_panicked();
}

/* xcs_quiesce does not wait out its timeout when nothing can run. */
static void
test_quiesce_gives_up_at_once(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(rp_nothing, NULL);
	uint64_t t0;

	rp_boot(2, 3, 0, "drop=1");
	cpu_xcall(xcs_cpu(1), &xc);
	t0 = tu_now_ms();
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), ETIMEDOUT);
	assert_true(tu_now_ms() - t0 < TU_TIMEOUT_MS / 2);
	assert_non_null(strstr(xcs_errstr(), "cpu1"));
	assert_non_null(strstr(xcs_errstr(), "an xcall slot is full"));
	tu_shutdown_panicked();
}

/*
 * cpu0 waits in xcs_quiesce, in process context and so signalled like a
 * running CPU, while cpu1 posts to it: it takes each IPI and runs each
 * xcall there, and gives up only when nothing can run (cpu1's job is
 * not joined, so the machine is never quiet).
 */
static unsigned int rp_on_cpu0;		/* [a] xcalls run on cpu0 */

static void
rp_count_on_cpu0(void *arg)
{
	if (cpu_number() == 0)
		atomic_inc_int(&rp_on_cpu0);
}

static void
rp_post_to_cpu0(void *arg)
{
	struct xcall *xc = arg;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		cpu_xcall_set(&xc[i], rp_count_on_cpu0, NULL);
		cpu_xcall(xcs_cpu(0), &xc[i]);
	}
}

static void
test_quiesce_takes_ipis(void **state)
{
	struct xcall xc[8];

	rp_boot(2, 6, 0, NULL);
	atomic_store_int(&rp_on_cpu0, 0);
	assert_int_equal(xcs_cpu_start(1, rp_post_to_cpu0, xc), 0);
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), ETIMEDOUT);
	assert_non_null(strstr(xcs_errstr(), "cpu1 is not quiet"));
	assert_non_null(strstr(xcs_errstr(), "it is not idle"));
	assert_int_equal(atomic_load_int(&rp_on_cpu0), 8);
	assert_int_equal(tu_join(1), 0);
	tu_shutdown();
}

/* A timed sleep nobody ends times out once nothing else can run. */
static int rp_sleep_error;

static void
rp_timed_sleep(void *arg)
{
	sleep_setup(&rp_sleep_error, PWAIT, "rptimed");
	rp_sleep_error = sleep_finish(1000000000ULL, 1);
}

static void
test_timed_sleep_times_out(void **state)
{
	rp_boot(2, 4, 0, NULL);
	rp_sleep_error = -1;
	assert_int_equal(xcs_cpu_run(1, rp_timed_sleep, NULL), 0);
	assert_int_equal(rp_sleep_error, EWOULDBLOCK);
	tu_shutdown();
}

static void
rp_expect_einval(struct xcs_config *cfg, const char *want)
{
	assert_int_equal(xcs_boot(cfg), EINVAL);
	assert_non_null(strstr(xcs_errstr(), want));
}

static void
test_bad_configuration(void **state)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_replay = 1;
	cfg.xc_replay_depth = 0;
	rp_expect_einval(&cfg, "replay depth 0");
	cfg.xc_replay_depth = 17;
	rp_expect_einval(&cfg, "replay depth 17");
	cfg.xc_replay_depth = 3;
	cfg.xc_replay_steps = 0;
	rp_expect_einval(&cfg, "steps 0");
	cfg.xc_replay_steps = 100;
	cfg.xc_faults = "delay=0.5";
	rp_expect_einval(&cfg, "replay does not have");
	cfg.xc_faults = "stall=0.1";
	rp_expect_einval(&cfg, "replay does not have");
	assert_int_equal(xcs_ncpus(), 0);
}

static void
test_environment(void **state)
{
	struct xcs_config cfg;

	tu_config_env("XCALLSIM_REPLAY", "7:2:100", &cfg);
	assert_int_equal(cfg.xc_replay, 1);
	assert_int_equal(cfg.xc_replay_seed, 7);
	assert_int_equal(cfg.xc_replay_depth, 2);
	assert_int_equal(cfg.xc_replay_steps, 100);

	tu_config_env("XCALLSIM_REPLAY", "42", &cfg);
	assert_int_equal(cfg.xc_replay_seed, 42);
	assert_int_equal(cfg.xc_replay_depth, 3);
	assert_int_equal(cfg.xc_replay_steps, 2000);

	tu_config_env("XCALLSIM_REPLAY", "seven", &cfg);
	rp_expect_einval(&cfg, "XCALLSIM_REPLAY");
	tu_config_env("XCALLSIM_REPLAY", "7:2:100:5", &cfg);
	rp_expect_einval(&cfg, "XCALLSIM_REPLAY");
	unsetenv("XCALLSIM_REPLAY");
	xcs_config_init(&cfg);
	assert_int_equal(cfg.xc_replay, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_same_seed_same_run),
		TU_TEST(test_seeds_differ),
		TU_TEST(test_pct_finds_lost_update),
		TU_TEST(test_deadlock_cycle_exact),
		TU_TEST(test_widen_finds_double_run),
		TU_TEST(test_deadlock_dropped_ipi),
		TU_TEST(test_quiesce_gives_up_at_once),
		TU_TEST(test_quiesce_takes_ipis),
		TU_TEST(test_timed_sleep_times_out),
		TU_TEST(test_bad_configuration),
		TU_TEST(test_environment),
	};

	unsetenv("XCALLSIM_REPLAY");
	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
