/*	xcallsim: tests/test_softintr_gen.c, the earlier glue's hazards	*/

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
 * The two hazards of the softintr glue that the November 2025 redesign
 * removed, each forced into its window, run twice: built with the
 * softintr-generation MI file of tests/softintr_gen (XCS_SIGEN), each
 * run must end in the machine's report; built with the current MI file
 * and glue, the same run must end with the xcall run once, on its CPU.
 *
 *  - Wrong CPU: cpu2 sits at IPL_VM when its xcall IPI arrives, so the
 *    soft work the IPI leaves waits; cpu1 then runs its own
 *    SOFTINTR_CLOCK.
 *  - Locking against myself: cpu1 holds the MI softintr lock (the
 *    sihold fault keeps it there) when an xcall IPI arrives.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static void
sigen_nop(void *arg)
{
}

/* Run this CPU's SOFTINTR_CLOCK queue, as its own softclock would. */
static void
run_softclock_job(void *arg)
{
	int s;

	s = splhigh();
	softintr(SOFTINTR_CLOCK);
	splx(s);
}

static void
test_wrong_cpu(void **state)
{
	struct probe pb;
	struct hold h;

	tu_boot(3, XCS_IDLE_HALT);
	probe_init(&pb);
	hold_start(2, &h, IPL_VM);
	probe_post(xcs_cpu(2), &pb);
	/* The IPI was taken at IPL_IPI; its soft work waits on cpu2. */
	assert_true(tu_wait_bits(xcs_cpu(2),
	    (1UL << SIR_CLOCK) | (1UL << SIR_XCALL)));
#ifdef XCS_SIGEN
	tu_expect_panic(1, run_softclock_job, NULL,
	    "posted to cpu2 ran on cpu1");
	atomic_store_int(&h.h_release, 1);
	tu_shutdown_panicked();
#else
	assert_int_equal(xcs_cpu_run(1, run_softclock_job, NULL), 0);
	assert_int_equal(atomic_load_int(&pb.pb_runs), 0);
	atomic_store_int(&h.h_release, 1);
	assert_int_equal(tu_join(2), 0);
	assert_true(tu_wait_uint(&pb.pb_runs, 1));
	assert_int_equal(atomic_load_int(&pb.pb_cpu), 2);
	assert_int_equal(atomic_load_int(&pb.pb_ilevel), IPL_SOFTCLOCK);
	tu_shutdown();
#endif
}

static void
hold_lock_job(void *arg)
{
	softintr_schedule(arg);
}

static int
sihold_fired(void *arg)
{
	struct xcs_stats xs;

	return (xcs_stats(1, &xs) == 0 && xs.xs_faults > 0);
}

static void
test_against_myself(void **state)
{
	struct xcs_config cfg;
	struct probe pb;
	void *sih;

	xcs_config_init(&cfg);
	/*
	 * Every softintr_schedule keeps the lock: for 10 s at most where
	 * the panic is expected to end the hold, for 2 s where the IPI
	 * must be taken inside it and the xcall run after.
	 */
#ifdef XCS_SIGEN
	cfg.xc_faults = "sihold=1:10000000";
#else
	cfg.xc_faults = "sihold=1:2000000";
#endif
	tu_boot_config(&cfg);
	sih = softintr_establish(IPL_SOFTCLOCK | IPL_MPSAFE, sigen_nop, NULL);
	assert_non_null(sih);
	probe_init(&pb);
	assert_int_equal(xcs_cpu_start(1, hold_lock_job, sih), 0);
	/* The fault counts once cpu1 holds the lock and spins. */
	assert_true(tu_wait(sihold_fired, NULL));
	probe_post(xcs_cpu(1), &pb);
#ifdef XCS_SIGEN
	assert_true(tu_wait_panic());
	assert_non_null(strstr(xcs_panic_message(), "locking against myself"));
	assert_non_null(strstr(xcs_panic_message(), "cpu1 at IPL_IPI"));
	assert_int_equal(tu_join(1), ECANCELED);
	softintr_disestablish(sih);
	tu_shutdown_panicked();
#else
	/* The IPI is taken inside the hold, and only marks SIR_XCALL. */
	assert_true(tu_wait_bits(xcs_cpu(1), 1UL << SIR_XCALL));
	assert_int_equal(atomic_load_int(&pb.pb_runs), 0);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(atomic_load_int(&pb.pb_runs), 1);
	assert_int_equal(atomic_load_int(&pb.pb_cpu), 1);
	assert_int_equal(atomic_load_int(&pb.pb_ilevel), IPL_SOFTCLOCK);
	assert_null(xcs_panic_message());
	softintr_disestablish(sih);
	tu_shutdown();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_wrong_cpu),
		TU_TEST(test_against_myself),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
