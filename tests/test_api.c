/*	xcallsim: tests/test_api.c, bad input to the simulator	*/

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
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "testutil.h"

#define assert_err(call, code, text) do {				\
	assert_int_equal((call), (code));				\
	if (strstr(xcs_errstr(), (text)) == NULL)			\
		fail_msg("%s: message \"%s\" lacks \"%s\"", #call,	\
		    xcs_errstr(), (text));				\
} while (0)

static void
nop(void *arg)
{
}

static void
test_bad_config(void **state)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 0;
	assert_err(xcs_boot(&cfg), EINVAL, "0 CPUs requested");
	cfg.xc_ncpus = 257;
	assert_err(xcs_boot(&cfg), EINVAL, "257 CPUs requested");
	cfg.xc_ncpus = 2;
	cfg.xc_idle = 7;
	assert_err(xcs_boot(&cfg), EINVAL, "unknown idle mode");
	cfg.xc_idle = XCS_IDLE_HALT;
	cfg.xc_glue = 9;
	assert_err(xcs_boot(&cfg), EINVAL, "unknown glue");
	cfg.xc_glue = XCS_GLUE_AUTO;
	cfg.xc_sir_layout = 5;
	assert_err(xcs_boot(&cfg), EINVAL, "unknown SIR layout");
	cfg.xc_sir_layout = XCS_SIR_COMMITTED;
	cfg.xc_signal = SIGKILL;
	assert_err(xcs_boot(&cfg), EINVAL, "cannot carry IPIs");
	cfg.xc_signal = 99;
	assert_err(xcs_boot(&cfg), EINVAL, "cannot carry IPIs");
	assert_err(xcs_boot(NULL), EINVAL, "NULL configuration");
	assert_int_equal(xcs_ncpus(), 0);
}

static void
usr2_handler(int sig)
{
}

static void
test_signal_in_use(void **state)
{
	struct xcs_config cfg;
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = usr2_handler;
	sigaction(SIGUSR2, &sa, &old);
	xcs_config_init(&cfg);
	cfg.xc_signal = SIGUSR2;
	assert_err(xcs_boot(&cfg), EBUSY, "already has a handler");
	sigaction(SIGUSR2, &old, NULL);

	/* A free real-time signal works. */
	cfg.xc_signal = SIGRTMIN + 3;
	tu_boot_config(&cfg);
	tu_shutdown();
}

/* Every call that needs a machine fails the same way without one. */
static void
assert_no_machine(void)
{
	struct xcs_stats xs;

	assert_int_equal(xcs_ncpus(), 0);
	assert_err(xcs_shutdown(), ESRCH, "no machine is booted");
	assert_null(xcs_cpu(0));
	assert_err(xcs_cpu_start(0, nop, NULL), ESRCH, "no machine");
	assert_err(xcs_cpu_join(1), ESRCH, "no machine");
	assert_err(xcs_stats(0, &xs), ESRCH, "no machine");
	assert_int_equal(xcs_quiesce(10), ESRCH);
}

static void
test_not_booted(void **state)
{
	assert_no_machine();

	/* After a shutdown, the same as before any boot. */
	tu_boot(2, XCS_IDLE_HALT);
	tu_shutdown();
	assert_no_machine();
}

static void
test_booted_misuse(void **state)
{
	struct xcs_config cfg;
	struct xcs_stats xs;

	tu_boot(2, XCS_IDLE_HALT);
	xcs_config_init(&cfg);
	assert_err(xcs_boot(&cfg), EBUSY, "already booted");
	assert_null(xcs_cpu(2));
	assert_non_null(strstr(xcs_errstr(), "no cpu2"));
	assert_err(xcs_cpu_start(5, nop, NULL), EINVAL, "no cpu5");
	assert_err(xcs_cpu_start(1, NULL, NULL), EINVAL, "NULL function");
	assert_err(xcs_cpu_join(1), EINVAL, "no job to join");
	assert_err(xcs_stats(9, &xs), EINVAL, "no cpu9");

	assert_int_equal(xcs_cpu_start(1, nop, NULL), 0);
	assert_err(xcs_cpu_start(1, nop, NULL), EBUSY, "not joined");
	assert_int_equal(xcs_cpu_join(1), 0);
	tu_shutdown();
}

static void
xcall_before_boot(void *arg)
{
	static struct cpu_info not_booted;
	struct xcall xc = XCALL_INITIALIZER(nop, NULL);

	cpu_xcall(&not_booted, &xc);
}

static void
spl_before_boot(void *arg)
{
	splvm();
}

static void
test_kernel_call_before_boot(void **state)
{
	tu_expect_death(xcall_before_boot, NULL,
	    "not a simulated CPU (no machine is booted");
	tu_expect_death(spl_before_boot, NULL, "not a simulated CPU");
}

/*
 * The glue can be forced.  The earlier glue calls cpu_xcall_dispatch
 * from the IPI handler: MI code of the current generation then runs the
 * xcall at IPL_IPI; the 1.1 MI code turns it into a softclock softintr.
 */
static void
test_forced_glue(void **state)
{
	struct xcs_config cfg;
	struct probe pb;

	xcs_config_init(&cfg);
	cfg.xc_glue = XCS_GLUE_SOFTINTR;
	tu_boot_config(&cfg);
	probe_init(&pb);
	probe_post(xcs_cpu(1), &pb);
	assert_true(tu_wait_uint(&pb.pb_runs, 1));
	if (xcs_cpu(1)->ci_xcall.xci_softintr != NULL)
		assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	else
		assert_int_equal(pb.pb_ilevel, IPL_IPI);
	tu_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_bad_config),
		TU_TEST(test_signal_in_use),
		TU_TEST(test_not_booted),
		TU_TEST(test_booted_misuse),
		TU_TEST(test_kernel_call_before_boot),
		TU_TEST(test_forced_glue),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
