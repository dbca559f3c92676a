/*	xcallsim: tests/test_trace.c, the per-CPU event trace	*/

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
 * The trace: what one cpu_xcall_sync leaves in it, as text and as
 * Chrome trace-event JSON; that the JSON's slices nest on every CPU and
 * its times run forward; the dump a panic prints; export while the CPUs
 * run and wrap their rings; the trace turned off; XCALLSIM_TRACE; and
 * the file written at shutdown.
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
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#define TRACE_FILE	"/tmp/xcs-trace-test.json"

/* Exported, so the trace names it. */
void	trace_fn(void *);

/*
 * Whether the MI file is ours, which takes slots with atomic_swap_ptr:
 * ctest says so in XCS_TEST_OUR_MI; the check runs this on other files.
 */
static int
our_mi(void)
{
	const char *v = getenv("XCS_TEST_OUR_MI");

	return (v != NULL && strcmp(v, "1") == 0);
}

static unsigned int trace_runs;		/* [a] */

void
trace_fn(void *arg)
{
	atomic_inc_int(&trace_runs);
}

/* What a JSON export held, line by line (one event per line). */
struct trace_shape {
	unsigned int	ts_events;
	unsigned int	ts_begins;
	unsigned int	ts_ends;
	unsigned int	ts_flows_out;
	unsigned int	ts_flows_in;
	unsigned int	ts_counters;
};

/*
 * Per CPU: every end closes an open slice and times never go back.
 * cmocka fails the test at the first line that breaks either.
 */
static void
trace_check_shape(const char *json, unsigned int ncpus,
    struct trace_shape *sh)
{
	int depth[MAXCPUS] = { 0 };
	double last[MAXCPUS] = { 0 }, ts;
	const char *line, *p;
	unsigned int tid;
	char ph;

	memset(sh, 0, sizeof(*sh));
	assert_non_null(strstr(json, "\"traceEvents\":["));
	for (line = json; line != NULL && *line != '\0';
	    line = (p = strchr(line, '\n')) ? p + 1 : NULL) {
		if ((p = strstr(line, "\"ph\":\"")) == NULL)
			continue;
		ph = p[6];
		if (ph == 'M')
			continue;
		p = strstr(line, "\"tid\":");
		assert_non_null(p);
		tid = strtoul(p + 6, NULL, 10);
		assert_true(tid < ncpus);
		p = strstr(line, "\"ts\":");
		assert_non_null(p);
		ts = strtod(p + 5, NULL);
		if (ts < last[tid])
			fail_msg("cpu%u: time goes back to %.3f after %.3f: "
			    "%.120s", tid, ts, last[tid], line);
		last[tid] = ts;
		sh->ts_events++;
		switch (ph) {
		case 'B':
			depth[tid]++;
			sh->ts_begins++;
			break;
		case 'E':
			if (--depth[tid] < 0)
				fail_msg("cpu%u: an end with no open slice: "
				    "%.120s", tid, line);
			sh->ts_ends++;
			break;
		case 's':
			sh->ts_flows_out++;
			break;
		case 'f':
			sh->ts_flows_in++;
			break;
		case 'C':
			sh->ts_counters++;
			break;
		}
	}
}

/*
 * One xcall posted with cpu_xcall, so the trace names its function
 * (cpu_xcall_sync posts a function of kern_xcall.c's own), then one
 * cpu_xcall_sync.
 */
static void
trace_two_xcalls(struct cpu_info *ci)
{
	struct xcall xc = XCALL_INITIALIZER(trace_fn, NULL);
	unsigned int runs = atomic_load_int(&trace_runs);

	cpu_xcall(ci, &xc);
	assert_true(tu_wait_uint(&trace_runs, runs + 1));
	cpu_xcall_sync(ci, trace_fn, NULL, "trsync");
}

/* The last events as xcs_trace_print prints them; free it. */
static char *
trace_text(unsigned int last)
{
	char *text = NULL;
	size_t len;
	FILE *f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(xcs_trace_print(f, last), 0);
	fclose(f);
	return (text);
}

/*
 * The sleep on the cond, by its wmesg: cpu0's cpu_xcall_sync sleeps
 * too, and finding that one would signal the cond before cpu1 waits.
 */
static int
trace_shows_cond_sleep(void *arg)
{
	char *text = trace_text(64);
	int found = strstr(text, "\"trcond\"") != NULL;

	free(text);
	return (found);
}

static void
trace_cond_job(void *arg)
{
	cond_wait(arg, "trcond");
}

/*
 * A sleep and its wakeup: cpu1 waits on a cond until the trace shows
 * it asleep (a sleep that found its condition true already is none).
 */
static void
trace_sleep_wakeup(void)
{
	struct cond c = COND_INITIALIZER();

	assert_int_equal(xcs_cpu_start(1, trace_cond_job, &c), 0);
	assert_true(tu_wait(trace_shows_cond_sleep, NULL));
	cond_signal(&c);
	assert_int_equal(tu_join(1), 0);
}

static void
test_trace_sync_xcall(void **state)
{
	struct trace_shape sh;
	char *text, *json;

	tu_boot(2, XCS_IDLE_HALT);
	trace_two_xcalls(xcs_cpu(1));
	trace_sleep_wakeup();

	/* As text, merged by time. */
	text = trace_text(64);
	assert_non_null(strstr(text, "trace events"));
	assert_non_null(strstr(text, "cpu0 IPL_NONE      post trace_fn("));
	/* Which slot is the MI file's choice. */
	assert_non_null(strstr(text, "to cpu1 slot "));
	assert_non_null(strstr(text, "xcall IPI to cpu1:"));
	assert_non_null(strstr(text, "cpu_xcall_dispatch begins"));
	assert_non_null(strstr(text, "cpu1 IPL_NONE      sleep on"));
	assert_non_null(strstr(text, "\"trcond\""));
	assert_non_null(strstr(text, "cpu0 IPL_NONE      wakeup"));
	assert_non_null(strstr(text, ": cpu1\n"));
	assert_non_null(strstr(text, "spl IPL_NONE -> IPL_SOFTCLOCK"));
	/* Only an MI file that takes slots with atomic_swap_ptr says so. */
	if (our_mi())
		assert_non_null(strstr(text,
		    "cpu1 IPL_SOFTCLOCK take trace_fn("));
	free(text);

	/* As Chrome trace-event JSON. */
	unlink(TRACE_FILE);
	assert_int_equal(xcs_trace_export(TRACE_FILE), 0);
	json = tu_slurp(TRACE_FILE);
	trace_check_shape(json, 2, &sh);
	assert_non_null(strstr(json, "\"name\":\"cpu0\""));
	assert_non_null(strstr(json, "\"name\":\"cpu1\""));
	assert_non_null(strstr(json, "\"name\":\"post to cpu1 slot "));
	assert_non_null(strstr(json, ": trace_fn\""));
	assert_non_null(strstr(json, "\"name\":\"cpu_xcall_dispatch\""));
	assert_non_null(strstr(json, "\"name\":\"ipi\""));
	assert_non_null(strstr(json, "\"name\":\"sleep \\\"trcond\\\"\""));
	assert_non_null(strstr(json, "\"name\":\"cpu1 IPL\""));
	assert_true(sh.ts_begins > 0 && sh.ts_counters > 0);
	assert_int_equal(sh.ts_flows_out, 2);
	/* Each post's flow arrow lands on the slice of the xcall taken. */
	if (our_mi()) {
		assert_non_null(strstr(json, "\"name\":\"trace_fn\""));
		assert_int_equal(sh.ts_flows_in, 2);
	}
	free(json);
	unlink(TRACE_FILE);
	tu_shutdown();
}

static void
trace_panic_job(void *arg)
{
	trace_two_xcalls(xcs_cpu(2));
	panic("trace test: %s", "stop here");
}

/* A panic prints the last events after the CPU dump. */
static void
test_trace_panic_dump(void **state)
{
	char errfile[] = "/tmp/xcs-trace-err-XXXXXX", *out;
	int fd, saved;

	tu_boot(3, XCS_IDLE_HALT);
	fd = mkstemp(errfile);
	assert_true(fd != -1);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	tu_expect_panic(1, trace_panic_job, NULL, "stop here");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	out = tu_slurp(errfile);
	unlink(errfile);
	if (strstr(out, "trace events, times before the newest:") == NULL ||
	    strstr(out, "to cpu2 slot") == NULL ||
	    strstr(out, "cpu1 IPL_NONE      panic") == NULL)
		fail_msg("panic output lacks the trace: %s", out);
	/* The trace comes after the dump of the CPUs. */
	assert_true(strstr(out, "trace events") > strstr(out, "cpu2: "));
	free(out);
	tu_shutdown_panicked();
}

/* Traffic on cpu1 and cpu2 while cpu0 exports, in tiny rings. */
struct trace_traffic {
	unsigned int	tt_stop;	/* [a] */
	unsigned int	tt_calls;	/* [a] */
};

static void
trace_traffic_job(void *arg)
{
	struct trace_traffic *tt = arg;
	struct cpu_info *self = curcpu(), *ci;
	CPU_INFO_ITERATOR cii;

	while (!atomic_load_int(&tt->tt_stop)) {
		CPU_INFO_FOREACH(cii, ci) {
			if (ci != self)
				cpu_xcall_sync(ci, trace_fn, NULL, "trbusy");
		}
		atomic_inc_int(&tt->tt_calls);
	}
}

static void
test_trace_export_while_running(void **state)
{
	struct trace_traffic tt = { 0, 0 };
	struct xcs_config cfg;
	struct trace_shape sh;
	unsigned int seen = 0;
	char *json;
	int i;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 3;
	cfg.xc_trace_events = 20;	/* rounded up to 32 */
	tu_boot_config(&cfg);
	/*
	 * Concurrent traffic is what the softintr generation (upstream
	 * 1.1) cannot carry: it runs only the unicast tests.
	 */
	if (xcs_cpu(1)->ci_xcall.xci_softintr != NULL) {
		tu_shutdown();
		skip();
	}
	assert_int_equal(xcs_cpu_start(1, trace_traffic_job, &tt), 0);
	assert_int_equal(xcs_cpu_start(2, trace_traffic_job, &tt), 0);
	for (i = 0; i < 20; i++) {
		assert_true(tu_wait_uint(&tt.tt_calls, 10 * (i + 1)));
		assert_int_equal(xcs_trace_export(TRACE_FILE), 0);
		json = tu_slurp(TRACE_FILE);
		trace_check_shape(json, 3, &sh);
		/*
		 * The rings wrapped: never more than they hold.  A ring
		 * may lap the reader and give nothing whole, never a torn
		 * event.
		 */
		assert_true(sh.ts_events <= 3 * 32 * 3);
		seen += sh.ts_events;
		free(json);
	}
	assert_true(seen > 0);
	atomic_store_int(&tt.tt_stop, 1);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(tu_join(2), 0);
	unlink(TRACE_FILE);
	tu_shutdown();
}

static void
test_trace_off(void **state)
{
	struct xcs_config cfg;
	FILE *f;

	assert_int_equal(xcs_trace_export(TRACE_FILE), ESRCH);
	assert_non_null(strstr(xcs_errstr(), "no machine"));
	assert_int_equal(xcs_trace_print(stderr, 8), ESRCH);

	xcs_config_init(&cfg);
	cfg.xc_trace_events = 0;
	tu_boot_config(&cfg);
	cpu_xcall_sync(xcs_cpu(1), trace_fn, NULL, "troff");
	assert_int_equal(xcs_trace_export(TRACE_FILE), ENOENT);
	assert_non_null(strstr(xcs_errstr(), "the trace is off"));
	f = fopen("/dev/null", "w");
	assert_int_equal(xcs_trace_print(f, 8), ENOENT);
	fclose(f);
	tu_shutdown();

	xcs_config_init(&cfg);
	cfg.xc_trace_events = (1U << 20) + 1;
	assert_int_equal(xcs_boot(&cfg), EINVAL);
	assert_non_null(strstr(xcs_errstr(), "trace events per CPU"));

	xcs_config_init(&cfg);
	tu_boot_config(&cfg);
	assert_int_equal(xcs_trace_export("/nonexistent/dir/t.json"), ENOENT);
	assert_non_null(strstr(xcs_errstr(), "/nonexistent/dir/t.json"));
	assert_int_equal(xcs_trace_export(NULL), EINVAL);
	tu_shutdown();
}

static void
env_case(const char *value, int want_error, unsigned int events,
    const char *file)
{
	struct xcs_config cfg;

	setenv("XCALLSIM_TRACE", value, 1);
	xcs_config_init(&cfg);
	if (want_error) {
		assert_int_equal(xcs_boot(&cfg), EINVAL);
		assert_non_null(strstr(xcs_errstr(), "XCALLSIM_TRACE"));
		return;
	}
	assert_int_equal(cfg.xc_trace_events, events);
	if (file == NULL)
		assert_null(cfg.xc_trace_file);
	else
		assert_string_equal(cfg.xc_trace_file, file);
}

static void
test_trace_environment(void **state)
{
	env_case("off", 0, 0, NULL);
	env_case("4096", 0, 4096, NULL);
	env_case("/tmp/t.json", 0, 65536, "/tmp/t.json");
	env_case("/tmp/t.json,128", 0, 128, "/tmp/t.json");
	env_case("/tmp/t.json,lots", 1, 0, NULL);
	env_case("12x", 1, 0, NULL);
	env_case("99999999", 1, 0, NULL);
	unsetenv("XCALLSIM_TRACE");
	env_case("", 0, 1024, NULL);
	unsetenv("XCALLSIM_TRACE");
}

/*
 * xc_trace_file: the whole run, written when the machine shuts down.
 * The unicast patterns to one CPU, calm between calls, so that the
 * softintr generation (upstream 1.1) runs it too.
 */
static void
test_trace_file_at_shutdown(void **state)
{
	struct pattern_job pj;
	struct xcs_config cfg;
	struct trace_shape sh;
	char *json;

	unlink(TRACE_FILE);
	xcs_config_init(&cfg);
	cfg.xc_ncpus = 4;
	cfg.xc_trace_file = TRACE_FILE;
	tu_boot_config(&cfg);
	memset(&pj, 0, sizeof(pj));
	pj.pj_iters = 2;
	pj.pj_mask = PATTERNS_UNICAST;
	pj.pj_target = 3;
	pj.pj_pace = 1;
	tu_run_on(0, 0, pattern_job, &pj, sizeof(pj));
	pattern_check(&pj, 4);
	tu_shutdown();
	json = tu_slurp(TRACE_FILE);
	trace_check_shape(json, 4, &sh);
	assert_non_null(strstr(json, "post to cpu3"));
	assert_non_null(strstr(json, "pattern_spin_xc"));
	assert_true(sh.ts_flows_out >= 4);
	free(json);
	unlink(TRACE_FILE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_trace_sync_xcall),
		TU_TEST(test_trace_panic_dump),
		TU_TEST(test_trace_export_while_running),
		TU_TEST(test_trace_off),
		TU_TEST(test_trace_environment),
		TU_TEST(test_trace_file_at_shutdown),
	};

	unsetenv("XCALLSIM_TRACE");
	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
