/*	xcallsim: tests/test_up.c, the uniprocessor kernel	*/

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
 * The same MI source built without MULTIPROCESSOR: every xcall is a
 * call to the only CPU, run at once at IPL_SOFTCLOCK.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <string.h>

#include "patterns.h"
#include "testutil.h"

static void
test_up_boot(void **state)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 2;
	assert_int_equal(xcs_boot(&cfg), EINVAL);
	assert_non_null(strstr(xcs_errstr(), "1 to 1"));
	tu_boot(1, XCS_IDLE_HALT);
	assert_int_equal(xcs_ncpus(), 1);
	assert_true(CPU_IS_PRIMARY(curcpu()));
	tu_shutdown();
}

static void
test_up_xcall(void **state)
{
	struct probe pb;
	int s;

	tu_boot(1, XCS_IDLE_HALT);
	probe_init(&pb);
	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_runs, 1);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	assert_int_equal(pb.pb_idepth, 0);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	s = splvm();
	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_ilevel, IPL_VM);
	splx(s);

	cpu_xcall_sync(curcpu(), probe_fn, &pb, "upsync");
	assert_int_equal(pb.pb_runs, 3);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	tu_shutdown();
}

/* All five patterns work on one CPU: every "broadcast" is a self call. */
static void
test_up_patterns(void **state)
{
	struct pattern_rec pr;
	int p;

	tu_boot(1, XCS_IDLE_HALT);
	pattern_rec_init(&pr);
	for (p = 0; p < NPATTERNS; p++)
		pattern_run(p, curcpu(), &pr);
	assert_int_equal(pr.pr_runs[0], NPATTERNS);
	assert_int_equal(pr.pr_bad_ipl, 0);
	assert_int_equal(pr.pr_nested, 0);
	tu_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_up_boot),
		TU_TEST(test_up_xcall),
		TU_TEST(test_up_patterns),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
