/*	xcallsim: tests/test_spl.c, spl(9), softintrs, mutexes, sleep	*/

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
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <string.h>

#include "testutil.h"

static void
test_splraise_never_lowers(void **state)
{
	int s1, s2;

	tu_boot(2, XCS_IDLE_HALT);
	s1 = splvm();
	assert_int_equal(s1, IPL_NONE);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	s2 = splsoftclock();
	assert_int_equal(s2, IPL_VM);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	splx(s2);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	splx(s1);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);
	tu_shutdown();
}

/* What ran, in order, as splx replayed the pending sources. */
static char order_seen[8];
static int order_level[8];
static unsigned int order_n;

static void
order_note(void *arg)
{
	const char *c = arg;

	order_level[order_n] = curcpu()->ci_ilevel;
	order_seen[order_n++] = *c;
}

static void
post_to_cpu0(void *arg)
{
	cpu_xcall(xcs_cpu(0), arg);
}

/*
 * cpu0 at splhigh schedules the three soft interrupts and takes an xcall
 * IPI from cpu1; splx then runs them highest bit first, each at its own
 * level.  The soft interrupt layout decides where SIR_XCALL falls.
 */
static void
replay(enum xcs_sir_layout layout, const char *want, const int *levels)
{
	struct xcs_config cfg;
	struct cpu_info *ci;
	struct xcall xc = XCALL_INITIALIZER(order_note, "x");
	void *sih[3];
	int i, s;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 2;
	cfg.xc_sir_layout = layout;
	tu_boot_config(&cfg);
	ci = curcpu();
	/* The 1.1 MI code has no SIR_XCALL: nothing to order. */
	if (ci->ci_xcall.xci_softintr != NULL)
		skip();
	order_n = 0;
	sih[0] = softintr_establish(IPL_SOFTCLOCK, order_note, "c");
	sih[1] = softintr_establish(IPL_SOFTNET, order_note, "n");
	sih[2] = softintr_establish(IPL_SOFTTTY, order_note, "t");

	s = splhigh();
	for (i = 0; i < 3; i++)
		softintr_schedule(sih[i]);
	assert_int_equal(xcs_cpu_start(1, post_to_cpu0, &xc), 0);
	assert_true(tu_wait_bits(ci, 1UL << SIR_XCALL));
	assert_int_equal(order_n, 0);
	splx(s);
	assert_int_equal(ci->ci_ilevel, IPL_NONE);
	assert_int_equal(tu_join(1), 0);

	assert_int_equal(order_n, 4);
	assert_memory_equal(order_seen, want, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(order_level[i], levels[i]);
	for (i = 0; i < 3; i++)
		softintr_disestablish(sih[i]);
	tu_shutdown();
}

/*
 * The expected orders include amd64's nesting: softintr_dispatch drops
 * its IPL_HIGH mutex with splx back to its own level before calling the
 * handler, and that splx runs the higher soft levels still pending.  So
 * softclock's dispatch lets softnet in, whose dispatch lets softtty in,
 * and the handlers run tty, net, clock.  Where SIR_XCALL sits decides
 * whether the xcall runs before all that or after it.
 */
static void
test_replay_committed_layout(void **state)
{
	static const int levels[] = { IPL_SOFTCLOCK, IPL_SOFTTTY,
	    IPL_SOFTNET, IPL_SOFTCLOCK };

	/* XCALL 61, CLOCK 60, NET 59, TTY 58. */
	replay(XCS_SIR_COMMITTED, "xtnc", levels);
}

static void
test_replay_proposal_layout(void **state)
{
	static const int levels[] = { IPL_SOFTTTY, IPL_SOFTNET,
	    IPL_SOFTCLOCK, IPL_SOFTCLOCK };

	/* CLOCK 61, NET 60, TTY 59, XCALL 58. */
	replay(XCS_SIR_PROPOSAL, "tncx", levels);
}

/* A soft interrupt above the level being lowered to stays pending. */
static void
test_splx_partial(void **state)
{
	void *sih;
	int s;

	tu_boot(1, XCS_IDLE_HALT);
	order_n = 0;
	sih = softintr_establish(IPL_SOFTCLOCK, order_note, "c");
	s = splvm();
	softintr_schedule(sih);
	splx(IPL_SOFTCLOCK);
	assert_int_equal(order_n, 0);
	splx(s);
	assert_int_equal(order_n, 1);
	softintr_disestablish(sih);
	tu_shutdown();
}

static void
splx_up_job(void *arg)
{
	splx(IPL_VM);
}

static void
test_splx_raising_panics(void **state)
{
	const char *msg;

	tu_boot(2, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, splx_up_job, NULL, "splx only lowers");
	assert_non_null(strstr(msg, "cpu1"));
	assert_non_null(strstr(msg, "IPL_VM"));
	tu_shutdown_panicked();
}

static void
splassert_job(void *arg)
{
	splassert(IPL_VM);
}

static void
test_splassert(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(1, splassert_job, NULL,
	    "spl assertion failure in splassert_job");
	tu_shutdown_panicked();
}

static struct mutex mtx_vm = MUTEX_INITIALIZER(IPL_VM);
static struct mutex mtx_none = MUTEX_INITIALIZER(IPL_NONE);

static void
test_mutex_ipl(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	mtx_init(&mtx_vm, IPL_VM);
	mtx_init(&mtx_none, IPL_NONE);
	mtx_enter(&mtx_vm);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	assert_int_equal(curcpu()->ci_mutex_level, 1);
	MUTEX_ASSERT_LOCKED(&mtx_vm);
	mtx_leave(&mtx_vm);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	/* An MP mutex never runs below IPL_MPFLOOR. */
	mtx_enter(&mtx_none);
	assert_int_equal(curcpu()->ci_ilevel, IPL_MPFLOOR);
	assert_int_equal(mtx_enter_try(&mtx_vm), 1);
	mtx_leave(&mtx_vm);
	mtx_leave(&mtx_none);
	assert_int_equal(curcpu()->ci_mutex_level, 0);
	tu_shutdown();
}

static void
relock_job(void *arg)
{
	mtx_enter(&mtx_vm);
	mtx_enter(&mtx_vm);
}

static void
test_mutex_against_myself(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	mtx_init(&mtx_vm, IPL_VM);
	tu_expect_panic(1, relock_job, NULL, "locking against myself");
	tu_shutdown_panicked();
}

static void
refcnt_zero_job(void *arg)
{
	struct refcnt r = REFCNT_INITIALIZER();

	assert_int_equal(refcnt_rele(&r), 1);
	refcnt_take(&r);
}

static void
refcnt_below_job(void *arg)
{
	struct refcnt r = REFCNT_INITIALIZER();

	refcnt_rele(&r);
	refcnt_rele(&r);
}

static void
test_refcnt_misuse(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(1, refcnt_zero_job, NULL, "taken after it dropped");
	tu_shutdown_panicked();
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(1, refcnt_below_job, NULL, "released below zero");
	tu_shutdown_panicked();
}

/* refcnt_finalize sleeps until the last reference is dropped. */
struct finalizer {
	struct refcnt	f_refs;
	unsigned int	f_done;		/* [a] */
};

static void
finalize_job(void *arg)
{
	struct finalizer *f = arg;

	refcnt_finalize(&f->f_refs, "final");
	atomic_store_int(&f->f_done, 1);
}

static int
cpu1_asleep(void *arg)
{
	return (atomic_load_int(&xcs_cpu(1)->ci_curproc->p_stat) == SSLEEP);
}

static void
test_refcnt_finalize(void **state)
{
	struct finalizer f;

	tu_boot(2, XCS_IDLE_HALT);
	refcnt_init(&f.f_refs);
	refcnt_take(&f.f_refs);
	refcnt_take(&f.f_refs);
	f.f_done = 0;
	assert_int_equal(xcs_cpu_start(1, finalize_job, &f), 0);
	assert_true(tu_wait(cpu1_asleep, NULL));
	refcnt_rele_wake(&f.f_refs);
	assert_int_equal(atomic_load_int(&f.f_done), 0);
	refcnt_rele_wake(&f.f_refs);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(f.f_done, 1);
	tu_shutdown();
}

/* A cond signalled from an xcall on another CPU wakes its sleeper. */
static void
cond_wait_job(void *arg)
{
	cond_wait(arg, "xcwait");
}

static void
test_cond_from_xcall(void **state)
{
	struct cond c = COND_INITIALIZER();
	struct xcall xc = XCALL_INITIALIZER(cond_signal_handler, &c);

	tu_boot(3, XCS_IDLE_HALT);
	assert_int_equal(xcs_cpu_start(1, cond_wait_job, &c), 0);
	assert_true(tu_wait(cpu1_asleep, NULL));
	cpu_xcall(xcs_cpu(2), &xc);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(c.c_wait, 0);
	tu_shutdown();
}

static void
timed_sleep_job(void *arg)
{
	int *error = arg;
	static int chan;

	sleep_setup(&chan, PWAIT, "timed");
	*error = sleep_finish(1000000, 1);
}

static void
test_sleep_timeout(void **state)
{
	int error = -1;

	tu_boot(2, XCS_IDLE_HALT);
	assert_int_equal(xcs_cpu_run(1, timed_sleep_job, &error), 0);
	assert_int_equal(error, EWOULDBLOCK);
	tu_shutdown();
}
/*
 * malloc(9): zeroed memory in process context; in interrupt context,
 * where the host cannot allocate, M_NOWAIT fails and M_WAITOK panics.
 */
static void
malloc_nowait_fn(void *arg)
{
	void **p = arg;

	*p = malloc(16, M_DEVBUF, M_NOWAIT);
}

static void
malloc_waitok_fn(void *arg)
{
	(void)malloc(16, M_DEVBUF, M_WAITOK);
}

static void
malloc_waitok_job(void *arg)
{
	cpu_xcall_sync(xcs_cpu(2), malloc_waitok_fn, NULL, "xcmalloc");
}

static void
test_malloc_context(void **state)
{
	unsigned char *p;
	void *q = &q;
	size_t i;

	tu_boot(3, XCS_IDLE_HALT);
	p = malloc(64, M_DEVBUF, M_WAITOK | M_ZERO);
	assert_non_null(p);
	for (i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	free(p, M_DEVBUF, 64);
	cpu_xcall_sync(xcs_cpu(1), malloc_nowait_fn, &q, "xcmalloc");
	assert_null(q);
	tu_expect_panic(1, malloc_waitok_job, NULL,
	    "M_WAITOK in interrupt context");
	tu_shutdown_panicked();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_splraise_never_lowers),
		TU_TEST(test_replay_committed_layout),
		TU_TEST(test_replay_proposal_layout),
		TU_TEST(test_splx_partial),
		TU_TEST(test_splx_raising_panics),
		TU_TEST(test_splassert),
		TU_TEST(test_mutex_ipl),
		TU_TEST(test_mutex_against_myself),
		TU_TEST(test_refcnt_misuse),
		TU_TEST(test_refcnt_finalize),
		TU_TEST(test_cond_from_xcall),
		TU_TEST(test_sleep_timeout),
		TU_TEST(test_malloc_context),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
