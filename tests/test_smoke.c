#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "xcallsim.h"

static unsigned int ran_on;
static unsigned int done;

static void
fn(void *arg)
{
	atomic_store_int(&ran_on, cpu_number());
	atomic_store_int(&done, 1);
}

static void
test_one(void **state)
{
	struct xcs_config cfg;
	struct xcall xc = XCALL_INITIALIZER(fn, NULL);
	struct xcs_stats xs;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 4;
	assert_int_equal(xcs_boot(&cfg), 0);
	cpu_xcall(xcs_cpu(2), &xc);
	while (atomic_load_int(&done) == 0)
		CPU_BUSY_CYCLE();
	assert_int_equal(ran_on, 2);
	xcs_stats_total(&xs);
	printf("posted %lu dispatched %lu sent %lu\n", xs.xs_posted, xs.xs_dispatched, xs.xs_ipi_sent);
	assert_int_equal(xcs_shutdown(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
