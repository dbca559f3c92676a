/*	xcallsim: tests/test_xcall.c, cpu_xcall(9) one target at a time	*/

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
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "testutil.h"

/*
 * Every test here sends xcalls to one target CPU, and waits for it to
 * calm down (tu_wait_calm) before the next one: the ctest label
 * "unicast".  They also pass against the 1.1 MI code, whose softintr
 * glue breaks as soon as a second CPU dispatches, or an IPI reaches a
 * CPU that still holds the softintr lock; test_concurrent.c has those.
 */

static u_int64_t
pending(unsigned int n)
{
	return (atomic_load_long(&xcs_cpu(n)->ci_ipending));
}

static void
test_self_call(void **state)
{
	struct probe pb;
	int s;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);

	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_runs, 1);
	assert_int_equal(pb.pb_cpu, 0);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	assert_int_equal(pb.pb_idepth, 0);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	/* A caller above IPL_SOFTCLOCK keeps its level. */
	s = splvm();
	probe_post(curcpu(), &pb);
	assert_int_equal(pb.pb_runs, 2);
	assert_int_equal(pb.pb_ilevel, IPL_VM);
	assert_int_equal(curcpu()->ci_ilevel, IPL_VM);
	splx(s);
	assert_int_equal(curcpu()->ci_ilevel, IPL_NONE);

	cpu_xcall_sync(curcpu(), probe_fn, &pb, "xcself");
	assert_int_equal(pb.pb_runs, 3);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);

	tu_shutdown();
}

/* Each run posts to one target only: no other CPU dispatches. */
static void
remote_once(enum xcs_idle idle, unsigned int target)
{
	struct probe pb;
	struct xcs_stats xs;
	unsigned int i, runs = 0;

	tu_boot(4, idle);
	probe_init(&pb);
	for (i = 0; i < 500; i++) {
		probe_post(xcs_cpu(target), &pb);
		assert_true(tu_wait_uint(&pb.pb_runs, ++runs));
		assert_true(tu_wait_calm(target));
		assert_int_equal(pb.pb_cpu, target);
		assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
		assert_int_equal(pb.pb_handled, tu_xcall_handled_level());
		assert_true(pb.pb_idepth > 0);
		if (pb.pb_in_slot != 0)
			fail_msg("probe_fn(%p) ran on cpu%u with its xcall "
			    "still in the slot: cpu_xcall_dispatch must empty "
			    "a slot before it calls the function", &pb,
			    target);
	}
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	assert_int_equal(atomic_load_int(&pb.pb_runs), runs);
	assert_int_equal(pb.pb_phantom, 0);

	xcs_stats_total(&xs);
	assert_int_equal(xs.xs_posted, runs);
	assert_int_equal(xs.xs_dispatched, runs);
	if (idle == XCS_IDLE_POLL)
		assert_true(xs.xs_ipi_skipped > 0);
	else
		assert_true(xs.xs_ipi_sent > 0);
	tu_shutdown();
}

static void
test_remote_once_halt(void **state)
{
	unsigned int n;

	for (n = 1; n < 4; n++)
		remote_once(XCS_IDLE_HALT, n);
}

static void
test_remote_once_poll(void **state)
{
	unsigned int n;

	for (n = 1; n < 4; n++)
		remote_once(XCS_IDLE_POLL, n);
}

struct poster {
	struct cpu_info	*p_target;
	struct probe	*p_probe;
};

static void
poster_job(void *arg)
{
	struct poster *p = arg;

	probe_post(p->p_target, p->p_probe);
}

static int
cpu2_spinning(void *arg)
{
	struct xcs_stats xs;

	xcs_stats(2, &xs);
	return (xs.xs_slot_full_spins > 0);
}

/*
 * Four xcalls fill a CPU held at IPL_SOFTCLOCK; a fifth poster spins
 * until the target lowers its level, then all five run exactly once.
 */
static void
test_four_slots(void **state)
{
	struct probe pb[5];
	struct hold h;
	struct poster p;
	struct cpu_info *t;
	size_t i;

	tu_boot(3, XCS_IDLE_HALT);
	t = xcs_cpu(1);
	hold_start(1, &h, IPL_SOFTCLOCK);
	for (i = 0; i < 5; i++)
		probe_init(&pb[i]);
	for (i = 0; i < 4; i++) {
		probe_post(t, &pb[i]);
		assert_true(tu_wait_calm(1));
	}
	/* Each of the four in a slot of its own, in whatever order. */
	for (i = 0; i < 4; i++)
		assert_true(tu_slot_of(t, &pb[i].pb_xc) >= 0);
	for (i = 0; i < 4; i++)
		assert_true(tu_slot_of(t, &pb[i].pb_xc) !=
		    tu_slot_of(t, &pb[(i + 1) % 4].pb_xc));

	p.p_target = t;
	p.p_probe = &pb[4];
	assert_int_equal(xcs_cpu_start(2, poster_job, &p), 0);
	assert_true(tu_wait(cpu2_spinning, NULL));

	/* The target took the IPI but SIR_XCALL waits for splx. */
	h.h_wait_bits = XCALL_SOFT_BITS;
	for (i = 0; i < 5; i++)
		assert_int_equal(atomic_load_int(&pb[i].pb_runs), 0);
	atomic_store_int(&h.h_release, 1);

	assert_int_equal(tu_join(1), 0);
	assert_int_equal(h.h_timeout, 0);
	assert_int_equal(tu_join(2), 0);
	for (i = 0; i < 5; i++)
		assert_true(tu_wait_uint(&pb[i].pb_runs, 1));
	assert_int_equal(xcs_quiesce(TU_TIMEOUT_MS), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(pb[i].pb_runs, 1);
		assert_int_equal(pb[i].pb_cpu, 1);
		assert_int_equal(pb[i].pb_ilevel, IPL_SOFTCLOCK);
	}
	tu_shutdown();
}

/* An xcall to a CPU at raised IPL runs nothing until splx. */
static void
deferral(int ipl, u_int64_t bits)
{
	struct probe pb, pb2;
	struct hold h;
	struct xcs_stats xs;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);
	probe_init(&pb2);
	hold_start(1, &h, ipl);
	h.h_probe = &pb;
	h.h_wait_bits = bits;
	probe_post(xcs_cpu(1), &pb);
	/* Below IPL_IPI the first IPI is taken (and the CPU calms). */
	if (ipl < IPL_IPI)
		assert_true(tu_wait_calm(1));
	probe_post(xcs_cpu(1), &pb2);
	atomic_store_int(&h.h_release, 1);
	assert_int_equal(tu_join(1), 0);

	assert_int_equal(h.h_timeout, 0);
	assert_int_equal(h.h_runs_before, 0);
	assert_int_equal(h.h_runs_after, 1);
	assert_int_equal(h.h_ilevel_after, IPL_NONE);
	assert_int_equal(pb.pb_runs, 1);
	assert_int_equal(pb2.pb_runs, 1);
	assert_int_equal(pb.pb_ilevel, IPL_SOFTCLOCK);
	assert_int_equal(pending(1), 0);

	xcs_stats(1, &xs);
	if (ipl >= IPL_IPI)
		assert_true(xs.xs_ipi_deferred > 0);
	else
		assert_true(xs.xs_soft_deferred > 0);
	tu_shutdown();
}

static void
test_deferral_splvm(void **state)
{
	deferral(IPL_VM, XCALL_SOFT_BITS);
}

static void
test_deferral_splipi(void **state)
{
	/* At IPL_IPI the IPI itself waits for splx. */
	deferral(IPL_IPI, 1UL << LIR_IPI);
}

/*
 * An IPI held while its target is at IPL_IPI (a splipi section), then
 * the target lowers to IPL_SCHED and only later to IPL_NONE.  amd64 as
 * meant replays the IPI at the first lowering below IPL_IPI; amd64 as
 * committed (intr.c 1.64) computed the masks from a handler record the
 * xcall source overwrote with IPL_SOFTCLOCK, so the IPI, its vector
 * bits and any sender waiting on them wait for IPL_NONE.  splx runs
 * what it unmasks before it returns, so what the job sees just after
 * splx(IPL_SCHED) is the model's answer, with no timing in it.
 */
struct held_ipi {
	unsigned int	hi_ready;	/* [a] at IPL_IPI */
	unsigned int	hi_release;	/* [a] may lower */
	int		hi_timeout;
	u_int64_t	hi_pending_sched; /* ci_ipending at IPL_SCHED */
	u_int32_t	hi_ipis_sched;	/* ci_ipis at IPL_SCHED */
	unsigned int	hi_runs_sched;	/* the probe's runs at IPL_SCHED */
	unsigned int	hi_runs_after;	/* ... at IPL_NONE */
	unsigned int	hi_ack_sched;	/* ack_seen at IPL_SCHED */
	int		hi_handled;	/* tu_xcall_handled_level() */
	unsigned int	hi_nudge;	/* wait at IPL_SCHED for... */
	unsigned int	hi_at_sched;	/* [a] (there) */
	unsigned int	hi_ack_nudged;	/* ... the ack after another IPI */
	struct probe	*hi_probe;
};

/*
 * A vector the IPI handler runs at IPL_IPI and a sender spins on, as
 * ddb's and X86_IPI_SETPERF's callers do; the test borrows SETPERF's
 * ipifunc entry for it.
 */
static unsigned int ack_seen;		/* [a] */

static void
ack_ipifunc(struct cpu_info *ci)
{
	atomic_store_int(&ack_seen, 1);
}

struct ack_sender {
	unsigned int	as_acked;	/* [a] the ack came */
	int		as_timeout;
};

static void
ack_sender_job(void *arg)
{
	struct ack_sender *as = arg;

	x86_send_ipi(xcs_cpu(1), X86_IPI_SETPERF);
	if (!tu_wait_uint(&ack_seen, 1))
		as->as_timeout = 1;
	atomic_store_int(&as->as_acked, 1);
}

static void
held_ipi_job(void *arg)
{
	struct held_ipi *hi = arg;
	struct cpu_info *ci = curcpu();
	int s;

	s = splraise(IPL_IPI);
	atomic_store_int(&hi->hi_ready, 1);
	if (!tu_wait_uint(&hi->hi_release, 1) ||
	    !tu_wait_bits(ci, 1UL << LIR_IPI))
		hi->hi_timeout = 1;
	(void)spllower(IPL_SCHED);
	hi->hi_pending_sched = atomic_load_long(&ci->ci_ipending);
	hi->hi_ipis_sched = atomic_load_int(&ci->ci_ipis);
	hi->hi_runs_sched = atomic_load_int(&hi->hi_probe->pb_runs);
	hi->hi_ack_sched = atomic_load_int(&ack_seen);
	if (hi->hi_nudge) {
		atomic_store_int(&hi->hi_at_sched, 1);
		hi->hi_ack_nudged = tu_wait_uint(&ack_seen, 1);
	}
	splx(s);
	hi->hi_runs_after = atomic_load_int(&hi->hi_probe->pb_runs);
}

static void
held_ipi(enum xcs_md md, struct held_ipi *hi, struct probe *pb)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 2;
	cfg.xc_md = md;
	tu_boot_config(&cfg);
	probe_init(pb);
	memset(hi, 0, sizeof(*hi));
	hi->hi_probe = pb;
	assert_int_equal(xcs_cpu_start(1, held_ipi_job, hi), 0);
	assert_true(tu_wait_uint(&hi->hi_ready, 1));
	probe_post(xcs_cpu(1), pb);
	atomic_store_int(&hi->hi_release, 1);
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(hi->hi_timeout, 0);
	/* The xcall itself waits for IPL_NONE either way (SIR_XCALL). */
	assert_int_equal(hi->hi_runs_sched, 0);
	assert_int_equal(hi->hi_runs_after, 1);
	assert_int_equal(pb->pb_ilevel, IPL_SOFTCLOCK);
	hi->hi_handled = tu_xcall_handled_level();
	tu_shutdown();
}

static void
test_held_ipi_replayed_below_ipi(void **state)
{
	struct held_ipi hi;
	struct probe pb;

	held_ipi(XCS_MD_AMD64, &hi, &pb);
	assert_int_equal(hi.hi_pending_sched & (1UL << LIR_IPI), 0);
	assert_int_equal(hi.hi_ipis_sched, 0);
	assert_true(hi.hi_pending_sched & XCALL_SOFT_BITS);
	assert_int_equal(pb.pb_handled, hi.hi_handled);
}

static void
test_held_ipi_waits_for_spl0_committed(void **state)
{
	struct held_ipi hi;
	struct probe pb;

	held_ipi(XCS_MD_AMD64_164, &hi, &pb);
	assert_true(hi.hi_pending_sched & (1UL << LIR_IPI));
	assert_int_equal(hi.hi_ipis_sched, X86_IPI_XCALL);
	assert_int_equal(hi.hi_pending_sched & XCALL_SOFT_BITS, 0);
	/* Xxcallintr leaves ci_handled_intr_level as it found it. */
	assert_int_equal(pb.pb_handled, hi.hi_handled);
}

/*
 * What the held IPI does to a sender spinning for its acknowledgement:
 * as meant, the ack comes when the target lowers to IPL_SCHED; as
 * committed, the sender spins through the target's whole IPL_SCHED
 * section, until its spl0.  With nudge, the test sends the target
 * another IPI while it is at IPL_SCHED.
 */
static void
held_ack(enum xcs_md md, int nudge, struct held_ipi *hi,
    struct ack_sender *as)
{
	struct xcs_config cfg;
	struct probe pb;
	int bit = __builtin_ctz(X86_IPI_SETPERF);

	xcs_config_init(&cfg);
	cfg.xc_ncpus = 3;
	cfg.xc_md = md;
	tu_boot_config(&cfg);
	assert_null(ipifunc[bit]);
	ipifunc[bit] = ack_ipifunc;
	atomic_store_int(&ack_seen, 0);
	probe_init(&pb);
	memset(hi, 0, sizeof(*hi));
	memset(as, 0, sizeof(*as));
	hi->hi_probe = &pb;
	hi->hi_nudge = nudge;
	assert_int_equal(xcs_cpu_start(1, held_ipi_job, hi), 0);
	assert_true(tu_wait_uint(&hi->hi_ready, 1));
	assert_int_equal(xcs_cpu_start(2, ack_sender_job, as), 0);
	atomic_store_int(&hi->hi_release, 1);
	if (nudge) {
		assert_true(tu_wait_uint(&hi->hi_at_sched, 1));
		x86_send_ipi(xcs_cpu(1), X86_IPI_NOP);
	}
	assert_int_equal(tu_join(1), 0);
	assert_int_equal(tu_join(2), 0);
	ipifunc[bit] = NULL;
	assert_int_equal(hi->hi_timeout, 0);
	assert_int_equal(as->as_timeout, 0);
	assert_int_equal(as->as_acked, 1);
	tu_shutdown();
}

static void
test_held_ack_below_ipi(void **state)
{
	struct held_ipi hi;
	struct ack_sender as;

	held_ack(XCS_MD_AMD64, 0, &hi, &as);
	assert_int_equal(hi.hi_ack_sched, 1);
}

static void
test_held_ack_waits_for_spl0_committed(void **state)
{
	struct held_ipi hi;
	struct ack_sender as;

	held_ack(XCS_MD_AMD64_164, 0, &hi, &as);
	assert_int_equal(hi.hi_ack_sched, 0);
}

/*
 * The held IPI's bits go with the next IPI the target takes: on amd64
 * the sender of that one sends a LAPIC IPI whatever ci_ipis holds, and
 * at IPL_SCHED the target takes it at once and runs every vector.
 */
static void
test_held_ack_taken_with_next_ipi_committed(void **state)
{
	struct held_ipi hi;
	struct ack_sender as;

	held_ack(XCS_MD_AMD64_164, 1, &hi, &as);
	assert_int_equal(hi.hi_ack_sched, 0);
	assert_int_equal(hi.hi_ack_nudged, 1);
}

static void
test_coalescing(void **state)
{
	struct probe pb, pb2;
	struct hold h;
	struct xcs_stats xs;

	tu_boot(2, XCS_IDLE_HALT);
	probe_init(&pb);
	probe_init(&pb2);
	hold_start(1, &h, IPL_IPI);
	h.h_wait_bits = 1UL << LIR_IPI;
	probe_post(xcs_cpu(1), &pb);
	probe_post(xcs_cpu(1), &pb2);
	xcs_stats(0, &xs);
	assert_int_equal(xs.xs_ipi_sent, 1);
	assert_int_equal(xs.xs_ipi_coalesced, 1);
	atomic_store_int(&h.h_release, 1);
	assert_int_equal(tu_join(1), 0);
	assert_true(tu_wait_uint(&pb2.pb_runs, 1));
	assert_int_equal(pb.pb_runs, 1);
	tu_shutdown();
}

/* cpu_xcall_sync from cpu0 to one other CPU. */
static void
test_sync(void **state)
{
	struct sync_job sj;

	tu_boot(4, XCS_IDLE_HALT);
	memset(&sj, 0, sizeof(sj));
	sj.sj_iters = 3000;
	sj.sj_target = 2;
	sj.sj_pace = 1;
	sync_job(&sj);
	sync_check(&sj, 0);
	tu_shutdown();
}

/* The two unicast patterns of the mail, from cpu0, on 2, 8 and 64 CPUs. */
static void
test_patterns_unicast(void **state)
{
	patterns_run_paced(2, XCS_IDLE_HALT, 3000, PATTERNS_UNICAST, 1, 0, 1);
	patterns_run_paced(8, XCS_IDLE_HALT, 1000, PATTERNS_UNICAST, 5, 0, 1);
	patterns_run_paced(64, XCS_IDLE_HALT, 500, PATTERNS_UNICAST, 63, 0, 1);
	patterns_run_paced(2, XCS_IDLE_POLL, 2000, PATTERNS_UNICAST, 1, 0, 1);
	patterns_run_paced(4, XCS_IDLE_POLL, 500, PATTERNS_UNICAST, 3, 0, 1);
}

/* Sleeping where the kernel may not is caught. */
static struct cond sleepy_cond = COND_INITIALIZER();

static void
sleepy_fn(void *arg)
{
	cond_wait(&sleepy_cond, "sleepy");
}

static void
post_sleepy_job(void *arg)
{
	struct xcall *xc = arg;

	cpu_xcall(xcs_cpu(2), xc);
	tu_wait_panic();
}

static void
test_sleep_in_xcall(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(sleepy_fn, NULL);
	const char *msg;

	tu_boot(3, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, post_sleepy_job, &xc, "interrupt context");
	assert_non_null(strstr(msg, "cpu2"));
	assert_non_null(strstr(msg, "IPL_SOFTCLOCK"));
	tu_shutdown_panicked();
}

static void
nop_fn(void *arg)
{
}

static void
sync_from_intr_fn(void *arg)
{
	cpu_xcall_sync(xcs_cpu(2), nop_fn, NULL, "xcnested");
}

static void
test_sync_from_interrupt(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(sync_from_intr_fn, NULL);

	tu_boot(3, XCS_IDLE_HALT);
	/* cpu1's xcall calls cpu_xcall_sync: it may not sleep there. */
	cpu_xcall(xcs_cpu(1), &xc);
	assert_true(tu_wait_panic());
	assert_non_null(strstr(xcs_panic_message(), "interrupt context"));
	assert_non_null(strstr(xcs_panic_message(), "cpu1"));
	tu_shutdown_panicked();
}

static void
fault_fn(void *arg)
{
	/* A read of the unmapped first page, which the compiler keeps. */
	(void)*(volatile int *)arg;
}

/*
 * An xcall that faults is a kernel trap: the panic says what faulted,
 * where, and on which CPU at which IPL, the host's part of the message
 * and the kernel's (xcs_kern_trap) joined.
 */
static void
test_trap_in_xcall(void **state)
{
	struct xcall xc = XCALL_INITIALIZER(fault_fn, (void *)(uintptr_t)16);
	char where[64];
	const char *msg;

	tu_boot(2, XCS_IDLE_HALT);
	cpu_xcall(xcs_cpu(1), &xc);
	assert_true(tu_wait_panic());
	msg = xcs_panic_message();
	snprintf(where, sizeof(where), ", cpu1 at %s, idepth ",
	    xcs_ipl_name(tu_xcall_handled_level()));
	if (strncmp(msg, "kernel: page fault trap (", 25) != 0 ||
	    strstr(msg, "reading address ") == NULL ||
	    strstr(msg, where) == NULL)
		fail_msg("panic message \"%s\"", msg);
	tu_shutdown_panicked();
}

static void
sleep_raised_job(void *arg)
{
	int s;

	s = splvm();
	cond_wait(&sleepy_cond, "raised");
	splx(s);
}

static void
test_sleep_at_raised_ipl(void **state)
{
	const char *msg;

	tu_boot(2, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, sleep_raised_job, NULL, "IPL_VM");
	assert_non_null(strstr(msg, "cpu1"));
	tu_shutdown_panicked();
}

static struct mutex test_mtx = MUTEX_INITIALIZER(IPL_NONE);

static void
sleep_locked_job(void *arg)
{
	mtx_enter(&test_mtx);
	cond_wait(&sleepy_cond, "locked");
	mtx_leave(&test_mtx);
}

static void
test_sleep_with_mutex(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	/* An MP mutex raises to IPL_MPFLOOR, which is caught first. */
	tu_expect_panic(1, sleep_locked_job, NULL, "IPL_TTY");
	tu_shutdown_panicked();
}

static void
null_xcall_job(void *arg)
{
	cpu_xcall(xcs_cpu(1), NULL);
}

static void
test_null_xcall(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(0, null_xcall_job, NULL, "NULL");
	assert_int_equal(tu_join(0), EINVAL);
	tu_shutdown_panicked();
}

static void
null_function_job(void *arg)
{
	struct xcall xc = XCALL_INITIALIZER(NULL, NULL);

	cpu_xcall(xcs_cpu(0), &xc);
}

static void
test_null_function(void **state)
{
	const char *msg;

	tu_boot(2, XCS_IDLE_HALT);
	msg = tu_expect_panic(1, null_function_job, NULL, "NULL");
	/* Whichever check fires, it says what was NULL. */
	assert_true(strstr(msg, "xc_func") != NULL ||
	    strstr(msg, "NULL function") != NULL);
	tu_shutdown_panicked();
}

static void
bogus_cpu_job(void *arg)
{
	static struct cpu_info bogus;
	struct xcall xc = XCALL_INITIALIZER(nop_fn, NULL);

	cpu_xcall(&bogus, &xc);
}

static void
test_bogus_cpu(void **state)
{
	tu_boot(2, XCS_IDLE_HALT);
	tu_expect_panic(1, bogus_cpu_job, NULL,
	    "is not the cpu_info of a booted CPU");
	tu_shutdown_panicked();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_self_call),
		TU_TEST(test_remote_once_halt),
		TU_TEST(test_remote_once_poll),
		TU_TEST(test_four_slots),
		TU_TEST(test_deferral_splvm),
		TU_TEST(test_deferral_splipi),
		TU_TEST(test_held_ipi_replayed_below_ipi),
		TU_TEST(test_held_ipi_waits_for_spl0_committed),
		TU_TEST(test_held_ack_below_ipi),
		TU_TEST(test_held_ack_waits_for_spl0_committed),
		TU_TEST(test_held_ack_taken_with_next_ipi_committed),
		TU_TEST(test_coalescing),
		TU_TEST(test_sync),
		TU_TEST(test_patterns_unicast),
		TU_TEST(test_sleep_in_xcall),
		TU_TEST(test_sync_from_interrupt),
		TU_TEST(test_trap_in_xcall),
		TU_TEST(test_sleep_at_raised_ipl),
		TU_TEST(test_sleep_with_mutex),
		TU_TEST(test_null_xcall),
		TU_TEST(test_null_function),
		TU_TEST(test_bogus_cpu),
	};

	if (!tu_filter(tests, nitems(tests)))
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
