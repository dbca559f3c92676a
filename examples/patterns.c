/*	xcallsim: examples/patterns.c	*/

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
 * The mail's examples, corrected as openbsd-api.md section 8 lists
 * (wmesg and semicolons added, no refcnt_finalize on an unsigned int,
 * atomic_setbits_int given a pointer), and with the memory ordering a
 * weakly ordered CPU needs: the callback publishes its work with
 * membar_producer() before the store the caller spins on, and the
 * caller issues membar_consumer() after seeing it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "patterns.h"

const char *const pattern_names[NPATTERNS] = {
	"sync",
	"spin",
	"bcast-sleep",
	"bcast-spin",
	"bcast-flags",
};

unsigned int pattern_spinout_ms;

struct pattern_spinout {
	uint64_t	so_deadline;
	unsigned int	so_spins;
};

static uint64_t
pattern_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Called on each spin; true once the spin has lasted too long. */
static int
pattern_spun_out(struct pattern_spinout *so)
{
	if (pattern_spinout_ms == 0 || ++so->so_spins % 4096 != 0)
		return (0);
	if (so->so_deadline == 0)
		so->so_deadline = pattern_now_ms() + pattern_spinout_ms;
	return (pattern_now_ms() > so->so_deadline);
}

/* Set while this CPU runs pattern work, to catch nested dispatch. */
static unsigned int pattern_busy[MAXCPUS];

void
pattern_rec_init(struct pattern_rec *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->pr_caller = cpu_number();
}

void
pattern_work(struct pattern_rec *pr)
{
	struct cpu_info *ci = curcpu();
	unsigned int cpu = ci->ci_cpuid;

	if (atomic_swap_uint(&pattern_busy[cpu], 1) != 0)
		atomic_inc_int(&pr->pr_nested);
	if (ci->ci_ilevel != IPL_SOFTCLOCK)
		atomic_inc_int(&pr->pr_bad_ipl);
	if (cpu != pr->pr_caller && ci->ci_idepth == 0)
		atomic_inc_int(&pr->pr_bad_ctx);
	atomic_inc_int(&pr->pr_runs[cpu]);
	atomic_store_int(&pattern_busy[cpu], 0);
}

void
pattern_work_xc(void *arg)
{
	pattern_work(arg);
}

void
pattern_sync(struct cpu_info *ci, struct pattern_rec *pr)
{
	cpu_xcall_sync(ci, pattern_work_xc, pr, "xcsync");
}

struct pattern_spin {
	struct pattern_rec	*ps_rec;
	unsigned int		 ps_done;
};

void
pattern_spin_xc(void *arg)
{
	struct pattern_spin *ps = arg;

	pattern_work(ps->ps_rec);
	membar_producer();
	atomic_store_int(&ps->ps_done, 1);
}

void
pattern_spin(struct cpu_info *ci, struct pattern_rec *pr)
{
	struct pattern_spin ps = { .ps_rec = pr, .ps_done = 0 };
	struct xcall xc = XCALL_INITIALIZER(pattern_spin_xc, &ps);
	struct pattern_spinout so = { 0, 0 };

	cpu_xcall(ci, &xc);
	while (atomic_load_int(&ps.ps_done) == 0) {
		CPU_BUSY_CYCLE();
		if (pattern_spun_out(&so))
			panic("pattern spin: cpu%u spun out waiting for the "
			    "xcall it posted to cpu%u", cpu_number(),
			    ci->ci_cpuid);
	}
	membar_consumer();
}

struct pattern_bcast {
	struct pattern_rec	*pb_rec;
	struct refcnt		 pb_refs;
	unsigned int		 pb_count;
};

void
pattern_bcast_sleep_xc(void *arg)
{
	struct pattern_bcast *pb = arg;

	pattern_work(pb->pb_rec);
	refcnt_rele_wake(&pb->pb_refs);
}

void
pattern_bcast_sleep(struct pattern_rec *pr)
{
	struct pattern_bcast pb = {
		.pb_rec = pr,
		.pb_refs = REFCNT_INITIALIZER(),
	};
	struct xcall xc = XCALL_INITIALIZER(pattern_bcast_sleep_xc, &pb);
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;

	CPU_INFO_FOREACH(cii, ci) {
		refcnt_take(&pb.pb_refs);
		cpu_xcall(ci, &xc);
	}
	refcnt_finalize(&pb.pb_refs, "xcbcast");
}

void
pattern_bcast_spin_xc(void *arg)
{
	struct pattern_bcast *pb = arg;

	pattern_work(pb->pb_rec);
	membar_exit_before_atomic();
	atomic_dec_int(&pb->pb_count);
}

void
pattern_bcast_spin(struct pattern_rec *pr)
{
	struct pattern_bcast pb = { .pb_rec = pr, .pb_count = 0 };
	struct xcall xc = XCALL_INITIALIZER(pattern_bcast_spin_xc, &pb);
	struct pattern_spinout so = { 0, 0 };
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;

	CPU_INFO_FOREACH(cii, ci) {
		atomic_inc_int(&pb.pb_count);
		cpu_xcall(ci, &xc);
	}
	while (atomic_load_int(&pb.pb_count) > 0) {
		CPU_BUSY_CYCLE();
		if (pattern_spun_out(&so))
			panic("pattern bcast-spin: cpu%u spun out with %u of "
			    "its broadcast xcalls not run", cpu_number(),
			    atomic_load_int(&pb.pb_count));
	}
	membar_consumer();
}

void
pattern_bcast_flags_xc(void *arg)
{
	struct pattern_rec *pr = arg;

	unsigned int cpu = cpu_number();

	pattern_work(pr);
	if (ISSET(atomic_load_int(&pr->pr_flags[cpu]), PATTERN_FLAG))
		atomic_inc_int(&pr->pr_twice[cpu]);
	membar_producer();
	atomic_setbits_int(&pr->pr_flags[cpu], PATTERN_FLAG);
}

/*
 * A flag that never comes: if another CPU ran the broadcast twice, it
 * ran this CPU's xcall.
 */
static void
pattern_flags_spun_out(struct pattern_rec *pr, struct cpu_info *waited)
{
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;

	CPU_INFO_FOREACH(cii, ci) {
		if (atomic_load_int(&pr->pr_twice[ci->ci_cpuid]) != 0)
			panic("pattern bcast-flags: cpu%u spun out waiting for "
			    "cpu%u: xcall posted to cpu%u ran on cpu%u",
			    cpu_number(), waited->ci_cpuid, waited->ci_cpuid,
			    ci->ci_cpuid);
	}
	panic("pattern bcast-flags: cpu%u spun out waiting for cpu%u: its "
	    "xcall never ran", cpu_number(), waited->ci_cpuid);
}

void
pattern_bcast_flags(struct pattern_rec *pr)
{
	struct xcall xc = XCALL_INITIALIZER(pattern_bcast_flags_xc, pr);
	struct pattern_spinout so = { 0, 0 };
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;

	CPU_INFO_FOREACH(cii, ci) {
		atomic_clearbits_int(&pr->pr_flags[ci->ci_cpuid], PATTERN_FLAG);
		atomic_store_int(&pr->pr_twice[ci->ci_cpuid], 0);
	}
	CPU_INFO_FOREACH(cii, ci)
		cpu_xcall(ci, &xc);

	CPU_INFO_FOREACH(cii, ci) {
		while (!ISSET(atomic_load_int(&pr->pr_flags[ci->ci_cpuid]),
		    PATTERN_FLAG)) {
			CPU_BUSY_CYCLE();
			if (pattern_spun_out(&so))
				pattern_flags_spun_out(pr, ci);
		}
	}
	membar_consumer();
}

void
pattern_run(int i, struct cpu_info *ci, struct pattern_rec *pr)
{
	switch (i) {
	case 0:
		pattern_sync(ci, pr);
		break;
	case 1:
		pattern_spin(ci, pr);
		break;
	case 2:
		pattern_bcast_sleep(pr);
		break;
	case 3:
		pattern_bcast_spin(pr);
		break;
	case 4:
		pattern_bcast_flags(pr);
		break;
	default:
		panic("pattern_run: no pattern %d", i);
	}
}
