/*	xcallsim: tests/testutil.c	*/

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
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <sys/wait.h>

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/*
 * The machine failed a test in a way the next tests of this program will
 * only repeat, each after its own timeout (an unexpected panic, a wait
 * on nothing moving): they are skipped, unless XCS_TEST_KEEP_GOING=1.
 */
static int tu_broken;

static void
tu_panic_hook(const char *msg, void *arg)
{
	/* The message is kept by the machine: xcs_panic_message(). */
}

/*
 * A panic stopped cpu0, the test's own thread, inside kernel code: the
 * test fails with the panic's message, which the machine printed with
 * the state of every CPU just before.
 */
static void
tu_stop_hook(const char *msg, void *arg)
{
	tu_broken = 1;
	fail_msg("the kernel panicked: %s", msg);
}

int
tu_filter(const struct CMUnitTest *tests, size_t n)
{
	const char *filter = getenv("XCS_TEST_FILTER");
	size_t i;

	if (filter == NULL || *filter == '\0')
		return (1);
	for (i = 0; i < n; i++)
		if (fnmatch(filter, tests[i].name, 0) == 0)
			break;
	if (i == n) {
		fprintf(stderr, "XCS_TEST_FILTER=%s matches none of the %zu "
		    "tests of this program\n", filter, n);
		return (0);
	}
	cmocka_set_test_filter(filter);
	return (1);
}

int
tu_teardown(void **state)
{
	if (xcs_ncpus() != 0)
		xcs_shutdown();
	return (0);
}

static enum xcs_md tu_md;

int
tu_xcall_handled_level(void)
{
#ifdef MULTIPROCESSOR
	/* The earlier MI code's softclock softintr: dosoftint sets it. */
	if (xcs_cpu(0)->ci_xcall.xci_softintr != NULL)
		return (IPL_SOFTCLOCK);
#endif
	return (tu_md == XCS_MD_AMD64_164 ? IPL_NONE : IPL_SOFTCLOCK);
}

void
tu_boot_config(const struct xcs_config *cfg)
{
	const char *keep;
	int error;

	keep = getenv("XCS_TEST_KEEP_GOING");
	if (tu_broken && (keep == NULL || strcmp(keep, "1") != 0)) {
		print_message("skipped: an earlier test found the kernel "
		    "broken (XCS_TEST_KEEP_GOING=1 runs it anyway)\n");
		skip();
	}
	error = xcs_boot(cfg);
	if (error == ENOTSUP) {
		/* The host lacks what the test needs (the widen fault's
		 * watchpoints): not a pass, and not the kernel's fault. */
		print_message("skipped: %s\n", xcs_errstr());
		skip();
	}
	if (error != 0)
		fail_msg("xcs_boot: %s", xcs_errstr());
	tu_md = cfg->xc_md;
	pattern_spinout_ms = TU_TIMEOUT_MS / 2;
	xcs_panic_intercept(tu_panic_hook, NULL);
	xcs_stop_intercept(tu_stop_hook, NULL);
}

void
tu_config_env(const char *name, const char *value, struct xcs_config *cfg)
{
	assert_int_equal(setenv(name, value, 1), 0);
	xcs_config_init(cfg);
}

void
tu_boot(unsigned int ncpus, enum xcs_idle idle)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = ncpus;
	cfg.xc_idle = idle;
	tu_boot_config(&cfg);
}

void
tu_shutdown(void)
{
	const char *msg = xcs_panic_message();

	if (msg != NULL) {
		tu_broken = 1;
		xcs_shutdown();
		fail_msg("unexpected panic: %s", msg);
	}
	if (xcs_quiesce(TU_TIMEOUT_MS) != 0) {
		char why[256];

		tu_broken = 1;
		snprintf(why, sizeof(why), "%s", xcs_errstr());
		xcs_shutdown();
		fail_msg("%s", why);
	}
	assert_int_equal(xcs_shutdown(), 0);
}

void
tu_shutdown_panicked(void)
{
	assert_int_equal(xcs_shutdown(), 0);
}

uint64_t
tu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Everything the machine's CPUs did so far, as one number: if it stands
 * still, nothing is happening anywhere.
 */
static uint64_t
tu_machine_moves(void)
{
	struct xcs_stats t;

	xcs_stats_total(&t);
	return (t.xs_posted + t.xs_dispatch_runs + t.xs_ipi_sent +
	    t.xs_ipi_taken + t.xs_ipi_coalesced + t.xs_ipi_skipped +
	    t.xs_slot_full_spins);
}

/* Why a wait gave up, with the machine as it is. */
void
tu_gave_up(const char *why, uint64_t ms)
{
	tu_broken = 1;
	fprintf(stderr, "tu_wait: %s for %" PRIu64 " ms; the machine:\n",
	    why, ms);
	xcs_dump_cpus();
}

/*
 * A CPU (cpu0 when it is the test) waits for a condition the other CPUs
 * will make true.  It gives up early when nothing in the machine has
 * moved for TU_STUCK_MS, so that a broken MI file fails a test in
 * seconds; a panic meanwhile stops this CPU in CPU_BUSY_CYCLE.
 */
int
tu_wait(int (*cond)(void *), void *arg)
{
	uint64_t start = tu_now_ms(), now, moved = start, moves, last;
	unsigned int spins = 0;

	last = tu_machine_moves();
	while (!cond(arg)) {
		CPU_BUSY_CYCLE();
		/* Two cores, many CPUs: let the others run. */
		if (++spins % 64 != 0)
			continue;
		sched_yield();
		now = tu_now_ms();
		if ((moves = tu_machine_moves()) != last) {
			last = moves;
			moved = now;
		} else if (now - moved > TU_STUCK_MS) {
			tu_gave_up("nothing in the machine moved",
			    now - moved);
			return (0);
		}
		if (now - start > TU_TIMEOUT_MS) {
			tu_gave_up("the condition did not hold",
			    now - start);
			return (0);
		}
	}
	return (1);
}

struct tu_uint {
	const unsigned int	*p;
	unsigned int		 v;
};

static int
tu_uint_reached(void *arg)
{
	struct tu_uint *tu = arg;

	return (atomic_load_int(tu->p) >= tu->v);
}

int
tu_wait_uint(const unsigned int *p, unsigned int v)
{
	struct tu_uint tu = { p, v };

	return (tu_wait(tu_uint_reached, &tu));
}

static int
tu_calm(void *arg)
{
	struct cpu_info *ci = arg;

	return (atomic_load_int(&ci->ci_ipis) == 0 &&
	    atomic_load_int((unsigned int *)&ci->ci_idepth) == 0);
}

struct tu_bits {
	struct cpu_info	*ci;
	u_int64_t	 bits;
};

static int
tu_bits_pending(void *arg)
{
	struct tu_bits *tb = arg;

	return ((atomic_load_long(&tb->ci->ci_ipending) & tb->bits) != 0);
}

int
tu_wait_bits(struct cpu_info *ci, u_int64_t bits)
{
	struct tu_bits tb = { ci, bits };

	return (tu_wait(tu_bits_pending, &tb));
}

int
tu_join(unsigned int n)
{
	uint64_t start = tu_now_ms(), moved = start, now, moves, last;
	int error;

	last = tu_machine_moves();
	while ((error = xcs_cpu_join_timed(n, 100)) == ETIMEDOUT) {
		now = tu_now_ms();
		if ((moves = tu_machine_moves()) != last) {
			last = moves;
			moved = now;
		} else if (now - moved > TU_STUCK_MS) {
			tu_gave_up("joining cpu: nothing in the machine "
			    "moved", now - moved);
			return (ETIMEDOUT);
		}
		if (now - start > TU_TIMEOUT_MS) {
			tu_gave_up("joining cpu: its job did not end",
			    now - start);
			return (ETIMEDOUT);
		}
	}
	return (error);
}

/*
 * Waiting for a panic: not in CPU_BUSY_CYCLE, where the panic would stop
 * this CPU as well.
 */
int
tu_wait_panic(void)
{
	uint64_t deadline = tu_now_ms() + TU_TIMEOUT_MS;

	while (xcs_panic_message() == NULL) {
		if (tu_now_ms() > deadline)
			return (0);
		sched_yield();
	}
	return (1);
}

int
tu_wait_calm(unsigned int n)
{
	return (tu_wait(tu_calm, xcs_cpu(n)));
}

void
tu_run_on(unsigned int first, unsigned int last, void (*fn)(void *),
    void *args, size_t argsize)
{
	unsigned int n;
	int error;

	/* cpu0 last: starting a job on cpu0 runs it there and then. */
	for (n = MAX(first, 1); n <= last + (first == 0); n++) {
		error = xcs_cpu_start(n % (last + 1), fn,
		    (char *)args + argsize * (n % (last + 1)));
		if (error != 0)
			fail_msg("xcs_cpu_start(%u): %s", n, xcs_errstr());
	}
	for (n = first; n <= last; n++) {
		error = tu_join(n);
		if (error != 0)
			fail_msg("xcs_cpu_join(%u): %s (panic: %s)", n,
			    strerror(error), xcs_panic_message());
	}
}

const char *
tu_expect_panic(unsigned int n, void (*fn)(void *), void *arg,
    const char *want)
{
	const char *msg;
	int error;

	error = xcs_cpu_run(n, fn, arg);
	msg = xcs_panic_message();
	if (msg == NULL)
		fail_msg("cpu%u: expected a panic with \"%s\", got none "
		    "(job returned %d)", n, want, error);
	if (strstr(msg, want) == NULL)
		fail_msg("cpu%u: expected a panic with \"%s\", got \"%s\"", n,
		    want, msg);
	/* The job ends normally only if the panic was on another CPU. */
	assert_true(error == 0 || error == ECANCELED);
	return (msg);
}

char *
tu_slurp(const char *path)
{
	char *buf;
	long len;
	FILE *f;

	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc(len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return (buf);
}

void
tu_expect_death(void (*fn)(void *), void *arg, const char *want)
{
	char buf[4096];
	ssize_t len, off = 0;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (off < (ssize_t)sizeof(buf) - 1 &&
	    (len = read(fds[0], buf + off, sizeof(buf) - 1 - off)) > 0)
		off += len;
	buf[off] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		fail_msg("expected the child to die with \"%s\"; it exited 0 "
		    "saying \"%s\"", want, buf);
	if (strstr(buf, want) == NULL)
		fail_msg("expected \"%s\" on stderr, got \"%s\"", want, buf);
}

/*
 * Whether pb's xcall is still in one of ci's slots while its function
 * runs there: dispatch must empty a slot before it calls the function.
 * Meaningful when pb is posted once at a time.
 */
static int
probe_in_slot(struct cpu_info *ci, struct probe *pb)
{
	return (tu_slot_of(ci, &pb->pb_xc) >= 0);
}

void
probe_fn(void *arg)
{
	struct probe *pb = arg;
	struct cpu_info *ci = curcpu();

	/* The same probe may run on several CPUs at once. */
	atomic_store_int(&pb->pb_cpu, ci->ci_cpuid);
	if (probe_in_slot(ci, pb))
		atomic_inc_int(&pb->pb_in_slot);
	atomic_store_int(&pb->pb_ilevel, ci->ci_ilevel);
	atomic_store_int(&pb->pb_idepth, ci->ci_idepth);
	atomic_store_int(&pb->pb_handled, ci->ci_handled_intr_level);
	if (atomic_inc_int_nv(&pb->pb_runs) > atomic_load_int(&pb->pb_posted))
		atomic_inc_int(&pb->pb_phantom);
}

int
tu_slot_of(struct cpu_info *t, struct xcall *xc)
{
#ifdef MULTIPROCESSOR
	size_t i;

	for (i = 0; i < nitems(t->ci_xcall.xci_xcalls); i++)
		if (atomic_load_long((unsigned long *)
		    &t->ci_xcall.xci_xcalls[i]) == (unsigned long)xc)
			return ((int)i);
#endif
	return (-1);
}

void
probe_init(struct probe *pb)
{
	memset(pb, 0, sizeof(*pb));
	cpu_xcall_set(&pb->pb_xc, probe_fn, pb);
}

void
probe_post(struct cpu_info *ci, struct probe *pb)
{
	atomic_inc_int(&pb->pb_posted);
	cpu_xcall(ci, &pb->pb_xc);
}

static void
hold_job(void *arg)
{
	struct hold *h = arg;
	struct cpu_info *ci = curcpu();
	int s;

	s = splraise(h->h_ipl);
	atomic_store_int(&h->h_ready, 1);
	if (!tu_wait_uint(&h->h_release, 1) ||
	    (h->h_wait_bits != 0 && !tu_wait_bits(ci, h->h_wait_bits)))
		h->h_timeout = 1;
	if (h->h_probe != NULL)
		h->h_runs_before = atomic_load_int(&h->h_probe->pb_runs);
	splx(s);
	if (h->h_probe != NULL)
		h->h_runs_after = atomic_load_int(&h->h_probe->pb_runs);
	h->h_ilevel_after = ci->ci_ilevel;
}

void
hold_start(unsigned int n, struct hold *h, int ipl)
{
	memset(h, 0, sizeof(*h));
	h->h_ipl = ipl;
	assert_int_equal(xcs_cpu_start(n, hold_job, h), 0);
	assert_true(tu_wait_uint(&h->h_ready, 1));
}
