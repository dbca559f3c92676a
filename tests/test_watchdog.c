/*	xcallsim: tests/test_watchdog.c, stalls, deadlocks, lost IPIs	*/

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
 * The watchdog, driven into each of its reports.  The stuck CPUs run
 * jobs; the watchdog calls our hook on its own thread, which only
 * copies the report; the test thread waits for the report it expects
 * (without CPU_BUSY_CYCLE, so it is not a spinning CPU itself) and
 * checks it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define WD_MS		200	/* the watchdog timeout in these tests */
#define WD_REPORTS	64

static pthread_mutex_t wd_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct xcs_stall wd_seen[WD_REPORTS];
static char *wd_text[WD_REPORTS];
static unsigned int wd_nseen;

static void
wd_hook(const struct xcs_stall *st, void *arg)
{
	pthread_mutex_lock(&wd_mtx);
	if (wd_nseen < WD_REPORTS) {
		wd_seen[wd_nseen] = *st;
		wd_text[wd_nseen] = strdup(st->st_text);
		wd_seen[wd_nseen].st_text = wd_text[wd_nseen];
		wd_nseen++;
	}
	pthread_mutex_unlock(&wd_mtx);
}

static void
wd_forget(void)
{
	unsigned int i;

	pthread_mutex_lock(&wd_mtx);
	for (i = 0; i < wd_nseen; i++)
		free(wd_text[i]);
	wd_nseen = 0;
	pthread_mutex_unlock(&wd_mtx);
}

/* The first report of this kind about this CPU, copied into *out. */
static int
wd_find(enum xcs_stall_kind kind, int cpu, struct xcs_stall *out)
{
	unsigned int i;
	int found = 0;

	pthread_mutex_lock(&wd_mtx);
	for (i = 0; i < wd_nseen && !found; i++) {
		if (wd_seen[i].st_kind == kind &&
		    (cpu < 0 || wd_seen[i].st_cpu == (unsigned int)cpu)) {
			*out = wd_seen[i];
			found = 1;
		}
	}
	pthread_mutex_unlock(&wd_mtx);
	return (found);
}

/*
 * Wait, bounded, for such a report; fail the test if none comes.  The
 * watchdog looks four times per WD_MS: fifty timeouts is a busy host.
 */
static void
wd_expect(enum xcs_stall_kind kind, int cpu, struct xcs_stall *out)
{
	uint64_t deadline = tu_now_ms() + 50 * WD_MS;

	while (!wd_find(kind, cpu, out)) {
		if (tu_now_ms() > deadline) {
			tu_gave_up("no watchdog report came", 50 * WD_MS);
			fail_msg("no watchdog report of kind %d about cpu%d",
			    kind, cpu);
		}
		sched_yield();
	}
}

static void
wd_boot_faults(unsigned int ncpus, int panic, int resend, const char *faults)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_faults = faults;
	cfg.xc_ncpus = ncpus;
	cfg.xc_watchdog_ms = WD_MS;
	cfg.xc_watchdog_panic = panic;
	cfg.xc_watchdog_resend = resend;
	wd_forget();
	xcs_watchdog_intercept(wd_hook, NULL);
	tu_boot_config(&cfg);
}

static void
wd_boot(unsigned int ncpus, int panic, int resend)
{
	wd_boot_faults(ncpus, panic, resend, NULL);
}

static void
start_on(unsigned int n, void (*fn)(void *), void *arg)
{
	if (xcs_cpu_start(n, fn, arg) != 0)
		fail_msg("xcs_cpu_start(%u): %s", n, xcs_errstr());
}

static void
wd_assert_text(const struct xcs_stall *st, const char *want)
{
	if (strstr(st->st_text, want) == NULL)
		fail_msg("report lacks \"%s\":\n%s", want, st->st_text);
}

/*
 * The pieces of a stall: a CPU that holds IPL_VM until told to lower,
 * and a CPU that posts five xcalls to another (four fill its slots, the
 * fifth spins), from a chosen IPL.
 */
struct stall {
	unsigned int	s_raised;	/* [a] CPUs that are at IPL_VM */
	unsigned int	s_release;	/* [a] the holder may lower */
	unsigned int	s_ran;		/* [a] xcalls that ran */
	struct xcall	s_xc[2][5];
};

void
wd_stall_fn(void *arg)
{
	struct stall *s = arg;

	atomic_add_int_nv(&s->s_ran, 1);
}

/*
 * Busy at IPL_VM, but not spinning in CPU_BUSY_CYCLE: the watchdog has
 * nothing to say about this CPU itself.
 */
static void
holder(void *arg)
{
	struct stall *s = arg;
	int spl;

	spl = splvm();
	atomic_add_int_nv(&s->s_raised, 1);
	while (atomic_load_int(&s->s_release) == 0)
		sched_yield();
	splx(spl);
}

static void
post_five(struct stall *s, unsigned int row, struct cpu_info *target)
{
	unsigned int i;

	for (i = 0; i < 5; i++) {
		s->s_xc[row][i].xc_func = wd_stall_fn;
		s->s_xc[row][i].xc_arg = s;
		cpu_xcall(target, &s->s_xc[row][i]);
	}
}

static void
poster(void *arg)
{
	struct stall *s = arg;

	(void)tu_wait_uint(&s->s_raised, 1);
	post_five(s, 0, xcs_cpu(2));
}

/* cpu2 holds IPL_VM, cpu1 fills its slots and spins. */
static void
stall_begin(struct stall *s, int panic)
{
	wd_boot(3, panic, 0);
	start_on(2, holder, s);
	start_on(1, poster, s);
}

/* cpu2 lowers; cpu's stall ends and both jobs finish. */
static void
stall_finish(struct stall *s, int cpu, struct xcs_stall *st)
{
	atomic_store_int(&s->s_release, 1);
	wd_expect(XCS_STALL_UNSTUCK, cpu, st);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(tu_join(2), 0);
	assert_true(tu_wait_uint(&s->s_ran, 5));
}

static void
stall_end(struct stall *s, int cpu, struct xcs_stall *st)
{
	stall_finish(s, cpu, st);
	tu_shutdown();
}

/* A CPU spins on a CPU at IPL_VM, then gets unstuck when it lowers. */
static void
test_spin_reported_then_unstuck(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;

	stall_begin(&s, 0);
	wd_expect(XCS_STALL_SPIN, 1, &st);
	assert_int_equal(st.st_target, 2);
	assert_int_equal(st.st_target_ipl, IPL_VM);
	assert_true(st.st_ms >= WD_MS);
	wd_assert_text(&st, "cpu1 at IPL_NONE");
	wd_assert_text(&st, "waiting for cpu2's full xcall slots");
	wd_assert_text(&st, "IPL_VM, which masks its xcall dispatch");
	wd_assert_text(&st, "wd_stall_fn");
	stall_end(&s, 1, &st);
}

/* Its slots stay full meanwhile: the stale slot is reported too. */
static void
test_stale_slot_reported(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;

	stall_begin(&s, 0);
	wd_expect(XCS_STALL_SLOT, 2, &st);
	assert_int_equal(st.st_ipl, IPL_VM);
	wd_assert_text(&st, "without a dispatch pass on cpu2");
	wd_assert_text(&st, "its IPL_VM masks the dispatch");
	stall_end(&s, 2, &st);
	assert_true(st.st_slot >= 0);
}

/*
 * Two CPUs at IPL_VM fill each other's slots: neither can ever run
 * its own xcalls, so both spin for good.  The watchdog names the cycle.
 */
static void
crosser(void *arg)
{
	struct stall *s = arg;
	unsigned int me = cpu_number();
	int spl;

	spl = splvm();
	atomic_add_int_nv(&s->s_raised, 1);
	(void)tu_wait_uint(&s->s_raised, 2);
	post_five(s, me - 1, xcs_cpu(me == 1 ? 2 : 1));
	splx(spl);
}

static void
test_deadlock_cycle(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;
	unsigned int a, b;

	wd_boot(3, 0, 0);
	start_on(1, crosser, &s);
	start_on(2, crosser, &s);

	wd_expect(XCS_STALL_CYCLE, -1, &st);
	assert_int_equal(st.st_ncycle, 2);
	a = st.st_cycle[0];
	b = st.st_cycle[1];
	assert_true((a == 1 && b == 2) || (a == 2 && b == 1));
	assert_int_equal(st.st_cycle_ipl[0], IPL_VM);
	assert_int_equal(st.st_cycle_ipl[1], IPL_VM);
	assert_true(st.st_ms >= WD_MS);
	wd_assert_text(&st, "deadlock");
	wd_assert_text(&st, "(IPL_VM) waits for cpu");

	/* Nothing ends it but shutdown, which abandons both jobs. */
	assert_int_equal(xcs_shutdown(), 0);
}

/*
 * The raise fault: the poster of stall_begin makes each post at a
 * raised IPL, at most IPL_SOFTTTY, and spins there on cpu2.  The
 * watchdog names that IPL, and each post ends back at IPL_NONE.
 */
static int wd_ipl_after;		/* [a] the poster's IPL when done */

static void
raised_poster(void *arg)
{
	struct stall *s = arg;

	(void)tu_wait_uint(&s->s_raised, 1);
	post_five(s, 0, xcs_cpu(2));
	atomic_store_int((unsigned int *)&wd_ipl_after, curcpu()->ci_ilevel);
}

static void
test_raise_fault(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;
	struct xcs_stats xs;

	wd_boot_faults(3, 0, 0, "seed=5,raise=1:IPL_SOFTTTY");
	atomic_store_int((unsigned int *)&wd_ipl_after, -1);
	start_on(2, holder, &s);
	start_on(1, raised_poster, &s);
	wd_expect(XCS_STALL_SPIN, 1, &st);
	if (st.st_ipl <= IPL_NONE || st.st_ipl > IPL_SOFTTTY)
		fail_msg("cpu1 spun at IPL %d:\n%s", st.st_ipl, st.st_text);
	assert_int_equal(st.st_target, 2);

	stall_finish(&s, 1, &st);
	assert_int_equal(atomic_load_int((unsigned int *)&wd_ipl_after),
	    IPL_NONE);
	/* Each of the five posts was raised. */
	assert_int_equal(xcs_stats(1, &xs), 0);
	assert_int_equal(xs.xs_faults, 5);
	tu_shutdown();
}

/*
 * The widen fault: a dispatch pass stops right after each access to a
 * slot, at least one per slot.  The xcall still runs once.
 */
static void
test_widen_fault(void **state)
{
	struct stall s = { 0 };
	struct xcs_stats xs;

	wd_boot_faults(2, 0, 0, "seed=2,widen=1:50");
	s.s_xc[0][0].xc_func = wd_stall_fn;
	s.s_xc[0][0].xc_arg = &s;
	cpu_xcall(xcs_cpu(1), &s.s_xc[0][0]);
	assert_true(tu_wait_uint(&s.s_ran, 1));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(atomic_load_int(&s.s_ran), 1);
	assert_int_equal(xcs_stats(1, &xs), 0);
	if (xs.xs_faults < nitems(curcpu()->ci_xcall.xci_xcalls))
		fail_msg("%llu widened windows in a pass over four slots",
		    (unsigned long long)xs.xs_faults);
	assert_int_equal(xcs_stats(0, &xs), 0);
	assert_int_equal(xs.xs_faults, 0);
	tu_shutdown();
}

/* With panic set the stuck CPU panics, naming what it waited for. */
static void
test_spin_panics(void **state)
{
	struct stall s = { 0 };
	const char *msg;

	stall_begin(&s, 1);

	assert_int_equal(tu_join(1), ECANCELED);
	msg = xcs_panic_message();
	assert_non_null(msg);
	if (strstr(msg, "watchdog: cpu1 at IPL_NONE") == NULL ||
	    strstr(msg, "cpu2's full xcall slots") == NULL)
		fail_msg("panic message: %s", msg);
	atomic_store_int(&s.s_release, 1);
	tu_shutdown_panicked();
}

/*
 * An MI change that fills a slot and forgets the IPI: the watchdog
 * says so, and with resend on it gets the xcall run.
 */
static struct xcall *
lone_xcall(struct stall *s)
{
	s->s_xc[0][0].xc_func = wd_stall_fn;
	s->s_xc[0][0].xc_arg = s;
	return (&s->s_xc[0][0]);
}

static void
forget_ipi(struct cpu_info *ci, struct xcall *xc)
{
	void *old;

	old = atomic_cas_ptr(&ci->ci_xcall.xci_xcalls[0], NULL, xc);
	assert_null(old);
}

static void
test_dropped_ipi_reported(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;

	wd_boot(2, 0, 0);
	forget_ipi(xcs_cpu(1), lone_xcall(&s));

	wd_expect(XCS_STALL_NOIPI, 1, &st);
	assert_int_equal(st.st_slot, 0);
	assert_false(st.st_resent);
	wd_assert_text(&st, "xcall pending in slot with no IPI pending: "
	    "cpu1 slot 0");
	wd_assert_text(&st, "wd_stall_fn");
	wd_assert_text(&st, "cpu0 claimed it and has sent cpu1 no xcall IPI "
	    "since");
	assert_int_equal(atomic_load_int(&s.s_ran), 0);

	/* Send it by hand; then it runs. */
	x86_send_ipi(xcs_cpu(1), X86_IPI_XCALL);
	assert_true(tu_wait_uint(&s.s_ran, 1));
	tu_shutdown();
}

static void
test_dropped_ipi_resent(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;

	wd_boot(2, 0, 1);
	forget_ipi(xcs_cpu(1), lone_xcall(&s));

	wd_expect(XCS_STALL_NOIPI, 1, &st);
	assert_true(st.st_resent);
	wd_assert_text(&st, "resent the xcall IPI");
	assert_true(tu_wait_uint(&s.s_ran, 1));
	tu_shutdown();
}

/*
 * The observers (the counters, the state dump, the watchdog) read slots
 * that upstream's dispatch clears with a plain store.  TSan once called
 * such a read a race, naming no store (its stack had left TSan's
 * history), so no suppression for the upstream file could match.  Here
 * a host thread reads cpu1's slots after its dispatch cleared one, with
 * no synchronisation TSan would see (relaxed flags).  ctest also runs
 * this test with no suppressions at all, where any report of the read
 * fails it, whether or not TSan can name the store.
 */
static unsigned int obs_go, obs_done;

static int
obs_wait(unsigned int *flag)
{
	uint64_t deadline = tu_now_ms() + TU_TIMEOUT_MS;

	/* Relaxed: no happens-before for TSan to see. */
	while (!__atomic_load_n(flag, __ATOMIC_RELAXED)) {
		/* A broken MI file may panic before the call ever runs. */
		if (tu_now_ms() > deadline || xcs_panic_message() != NULL)
			return (0);
		sched_yield();
	}
	return (1);
}

static void
obs_fn(void *arg)
{
	__atomic_store_n(&obs_go, 1, __ATOMIC_RELAXED);
	(void)obs_wait(&obs_done);
}

static void *
obs_thread(void *arg)
{
	struct xcs_stats *xs = arg;

	if (obs_wait(&obs_go)) {
		(void)xcs_stats(1, xs);
		xcs_dump_cpus();
	}
	__atomic_store_n(&obs_done, 1, __ATOMIC_RELAXED);
	return (NULL);
}

static void
test_observers_read_slots(void **state)
{
	struct xcs_config cfg;
	struct xcs_stats xs;
	pthread_t t;

	memset(&xs, 0, sizeof(xs));
	obs_go = obs_done = 0;
	/* Panic mode, as elsewhere, should the MI file never run the call. */
	xcs_config_init(&cfg);
	cfg.xc_watchdog_ms = 2000;
	cfg.xc_watchdog_panic = 1;
	tu_boot_config(&cfg);
	assert_int_equal(pthread_create(&t, NULL, obs_thread, &xs), 0);
	cpu_xcall_sync(xcs_cpu(1), obs_fn, NULL, "obs");
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(xs.xs_received, 1);
	assert_int_equal(xs.xs_dispatched, 1);
	tu_shutdown();
}

/* The drop fault swallows every IPI; the watchdog finds and resends. */
static void
test_drop_fault_found(void **state)
{
	struct stall s = { 0 };
	struct xcs_stall st;
	struct xcs_stats xs;

	wd_boot_faults(2, 0, 1, "seed=9,drop=1");
	cpu_xcall(xcs_cpu(1), lone_xcall(&s));

	wd_expect(XCS_STALL_NOIPI, 1, &st);
	/* The MI file chooses the slot. */
	assert_true(st.st_slot >= 0 && st.st_slot < 4);
	assert_true(st.st_resent);
	assert_true(tu_wait_uint(&s.s_ran, 1));
	assert_int_equal(xcs_stats(0, &xs), 0);
	assert_int_equal(xs.xs_ipi_dropped, 1);
	assert_int_equal(xs.xs_ipi_sent, 0);
	tu_shutdown();
}

/* Specifications that do not parse fail the boot, naming themselves. */
static void
test_fault_spec(void **state)
{
	static const char *const bad[] = {
		"drop=2", "drop=-0.1", "bogus=0.5", "delay=0.1:0",
		"stall=0.1:IPL_FOO", "stall=0.1:IPL_HIGH:0", "seed=x",
		"dup", "dup=0.1:5", ",", "raise=0.1:IPL_NONE",
		"raise=0.1:IPL_IPI", "raise=0.1:5:6", "widen=2",
		"widen=0.1:0",
	};
	struct xcs_config cfg;
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		xcs_config_init(&cfg);
		cfg.xc_faults = bad[i];
		assert_int_equal(xcs_boot(&cfg), EINVAL);
		if (strstr(xcs_errstr(), bad[i]) == NULL)
			fail_msg("\"%s\": %s", bad[i], xcs_errstr());
	}
	xcs_config_init(&cfg);
	cfg.xc_faults = "seed=4,delay=0.5:20,dup=0.1,early=0.1,"
	    "spurious=0.1,stall=0.1:IPL_VM:50,raise=0.1:IPL_VM,widen=0.1:20";
	tu_boot_config(&cfg);
	tu_shutdown();
}

/* Busy but healthy CPUs, for several timeouts: not a word. */
static void
test_quiet_when_healthy(void **state)
{
	struct pattern_rec pr;
	uint64_t end;
	unsigned int i;

	wd_boot(3, 0, 0);
	pattern_rec_init(&pr);
	end = tu_now_ms() + 4 * WD_MS;
	for (i = 0; i < 1000 || tu_now_ms() < end; i++) {
		pattern_spin(xcs_cpu(1 + i % 2), &pr);
		pattern_bcast_spin(&pr);
		if (i % 16 == 0)
			pattern_sync(xcs_cpu(2), &pr);
	}
	/* Idle CPUs are not stalls either. */
	end = tu_now_ms() + 2 * WD_MS;
	while (tu_now_ms() < end)
		sched_yield();
	pthread_mutex_lock(&wd_mtx);
	if (wd_nseen != 0)
		fail_msg("unexpected report: %s", wd_text[0]);
	pthread_mutex_unlock(&wd_mtx);
	tu_shutdown();
}

/* XCALLSIM_WATCHDOG sets the defaults; nonsense fails the boot. */
static void
test_environment(void **state)
{
	struct xcs_config cfg;

	tu_config_env("XCALLSIM_WATCHDOG", "250,panic,resend", &cfg);
	assert_int_equal(cfg.xc_watchdog_ms, 250);
	assert_int_equal(cfg.xc_watchdog_panic, 1);
	assert_int_equal(cfg.xc_watchdog_resend, 1);

	tu_config_env("XCALLSIM_WATCHDOG", "0", &cfg);
	assert_int_equal(cfg.xc_watchdog_ms, 0);
	assert_int_equal(cfg.xc_watchdog_panic, 0);

	tu_config_env("XCALLSIM_WATCHDOG", "5s", &cfg);
	assert_int_equal(xcs_boot(&cfg), EINVAL);
	assert_non_null(strstr(xcs_errstr(), "XCALLSIM_WATCHDOG=\"5s\""));

	tu_config_env("XCALLSIM_WATCHDOG", "100,loud", &cfg);
	assert_int_equal(xcs_boot(&cfg), EINVAL);
	unsetenv("XCALLSIM_WATCHDOG");

	xcs_config_init(&cfg);
	assert_int_equal(cfg.xc_watchdog_ms, 5000);
	cfg.xc_watchdog_ms = 3600001;
	assert_int_equal(xcs_boot(&cfg), EINVAL);
	assert_non_null(strstr(xcs_errstr(), "more than an hour"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_spin_reported_then_unstuck),
		TU_TEST(test_stale_slot_reported),
		TU_TEST(test_deadlock_cycle),
		TU_TEST(test_raise_fault),
		TU_TEST(test_widen_fault),
		TU_TEST(test_spin_panics),
		TU_TEST(test_dropped_ipi_reported),
		TU_TEST(test_dropped_ipi_resent),
		TU_TEST(test_drop_fault_found),
		TU_TEST(test_observers_read_slots),
		TU_TEST(test_fault_spec),
		TU_TEST(test_quiet_when_healthy),
		TU_TEST(test_environment),
	};

	/* The tests set their own timeouts and faults. */
	unsetenv("XCALLSIM_WATCHDOG");
	unsetenv("XCALLSIM_FAULTS");
	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
