/*	xcallsim: sim/kern/synch.c, sleep and wakeup	*/

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
 * tsleep(9)'s building blocks, cond(9) and refcnt(9), as kern_synch.c
 * 1.232 has them.
 *
 * Each CPU runs one kernel thread at a time, so a sleeping thread is a
 * sleeping CPU.  sleep_setup() publishes the wait channel in p_wchan;
 * wakeup_n() finds sleepers by scanning the CPUs (at most 256) and
 * claims each with a compare-and-swap of p_wchan to NULL, then kicks its
 * CPU (xcs_cpu_kick, a hypercall).  No lock is taken, so wakeups work
 * from inside IPI and xcall handlers, where a mutex or pthread_cond
 * would not be safe.  The
 * channel is only compared, never dereferenced: cond_signal() may run
 * after the waiter has returned and its stack is gone.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/refcnt.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

/*
 * Sleeping needs process context: no interrupt being handled, the IPL at
 * IPL_NONE and no mutex held.  A DIAGNOSTIC kernel catches the first
 * three with assertwaitok() and splassert(); the message here says
 * which, where.
 */
static void
xcs_assert_sleepable(struct cpu_info *ci, const char *func,
    const char *wmesg)
{
	int ilevel = xcs_atomic_load(&ci->ci_ilevel);

	if (xcs_panicked() || db_active)
		return;
	if (ci->ci_idepth != 0 || ci->ci_handled_intr_level != IPL_NONE)
		panic("%s: cpu%u: sleeping on \"%s\" in interrupt context "
		    "(%s, interrupt depth %d)", func, ci->ci_cpuid, wmesg,
		    xcs_ipl_name(ilevel), ci->ci_idepth);
	if (ilevel != IPL_NONE)
		panic("%s: cpu%u: sleeping on \"%s\" at %s; sleeping needs "
		    "IPL_NONE", func, ci->ci_cpuid, wmesg,
		    xcs_ipl_name(ilevel));
	if (ci->ci_mutex_level != 0)
		panic("%s: cpu%u: sleeping on \"%s\" at %s holding %d "
		    "mutexes", func, ci->ci_cpuid, wmesg,
		    xcs_ipl_name(ilevel), ci->ci_mutex_level);
}

void
assertwaitok(void)
{
	struct cpu_info *ci = curcpu();

	if (xcs_panicked() || db_active)
		return;
	splassert(IPL_NONE);
	if (ci->ci_mutex_level != 0)
		panic("assertwaitok: non-zero mutex count: %d",
		    ci->ci_mutex_level);
}

void
sleep_setup(const volatile void *ident, int prio, const char *wmesg)
{
	struct cpu_info *ci = curcpu();
	struct proc *p = ci->ci_curproc;

	if (ident == NULL)
		panic("sleep_setup: cpu%u: no ident for \"%s\"", ci->ci_cpuid,
		    wmesg);
	xcs_assert_sleepable(ci, "sleep_setup", wmesg);
	if (p->p_flag & P_CANTSLEEP)
		panic("sleep_setup: failed insomnia on cpu%u", ci->ci_cpuid);
	if (p->p_stat != SONPROC)
		panic("sleep_setup: cpu%u: thread not on cpu (stat %u)",
		    ci->ci_cpuid, p->p_stat);

	p->p_wmesg = wmesg;
	p->p_flag |= P_INSCHED;
	xcs_atomic_store(&p->p_stat, SSLEEP);
	/*
	 * The swap is a full barrier, as taking SCHED_LOCK is: the channel
	 * is visible before the caller re-reads its condition, and a
	 * waker that changed the condition first is seen.
	 */
	(void)xcs_atomic_swap((const void **)&p->p_wchan, (const void *)ident);
}

/* Woken, or stopped: a panic ends every sleep. */
static int
xcs_woken(void *arg)
{
	struct proc *p = arg;

	return (xcs_atomic_load(&p->p_wchan) == NULL || xcs_panicked());
}

struct xcs_timed {
	struct proc		*xt_p;
	u_int64_t		 xt_deadline;	/* xcs_clock_ns() */
};

static int
xcs_woken_or_late(void *arg)
{
	struct xcs_timed *xt = arg;

	if (xcs_woken(xt->xt_p))
		return (1);
	/* Replay has no clock: the sleep times out when nothing can run. */
	if (xcs_clock_stopped())
		return (0);
	return (xcs_clock_ns() >= xt->xt_deadline);
}

/*
 * Sleep until woken, unless do_sleep is 0 (the caller's re-check found
 * the condition already true) or a wakeup came since sleep_setup().
 * A finite nsecs is honoured by re-checking the clock whenever the CPU
 * wakes; it returns EWOULDBLOCK if it expired.
 */
int
sleep_finish(uint64_t nsecs, int do_sleep)
{
	struct cpu_info *ci = curcpu();
	struct proc *p = ci->ci_curproc;
	struct xcs_timed xt;
	int error = 0;

	if (do_sleep)
		xcs_tr_sleep(ci, (const void *)xcs_atomic_load(&p->p_wchan),
		    p->p_wmesg);
	if (do_sleep && nsecs == INFSLP)
		xcs_cpu_wait_ns(ci, xcs_woken, p, 0, 0);
	else if (do_sleep) {
		xt.xt_p = p;
		xt.xt_deadline = xcs_clock_ns() + nsecs;
		if (xt.xt_deadline < nsecs)
			xt.xt_deadline = UINT64_MAX;
		/* Look at the clock every millisecond. */
		xcs_cpu_wait_ns(ci, xcs_woken_or_late, &xt, 0, 1000000);
	}
	xcs_cpu_check_panic(ci);

	/* Not woken (no sleep, or timed out): leave the channel. */
	if (xcs_atomic_swap((const void **)&p->p_wchan, NULL) != NULL &&
	    do_sleep)
		error = EWOULDBLOCK;
	p->p_flag &= ~P_INSCHED;
	xcs_atomic_store(&p->p_stat, SONPROC);
	if (do_sleep)
		xcs_tr_sleep_end(ci);
	return (error);
}

/*
 * Wake up to n threads sleeping on ident (all of them if n is not
 * positive).  The compare-and-swap on p_wchan decides, against the
 * sleeper's own timeout or a second waker, who ends the sleep.
 */
void
wakeup_n(const volatile void *ident, int n)
{
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;
	struct proc *p;

	xcs_replay_at(XCS_RP_WRITE);
	/*
	 * Order the caller's store of the condition before the loads of
	 * the wait channels, as SCHED_LOCK does; pairs with the swap in
	 * sleep_setup().
	 */
	xcs_membar_full();
	CPU_INFO_FOREACH(cii, ci) {
		p = ci->ci_curproc;
		if (xcs_atomic_load(&p->p_wchan) != ident)
			continue;
		if (xcs_atomic_cas((const void **)&p->p_wchan,
		    (const void *)ident, NULL) != ident)
			continue;
		xcs_cpu_kick(ci);
		xcs_tr_wakeup(xcs_curcpu_tls, ci->ci_cpuid,
		    (const void *)ident);
		if (--n == 0)
			break;
	}
}

void
wakeup(const volatile void *ident)
{
	wakeup_n(ident, -1);
}

void
cond_init(struct cond *c)
{
	atomic_store_int(&c->c_wait, 1);
}

/*
 * After the store the waiter may return and its stack, where c lives,
 * may be reused: c is only a channel from here on.
 */
void
cond_signal_handler(void *arg)
{
	struct cond *c = arg;

	atomic_store_int(&c->c_wait, 0);
	wakeup_one(c);
}

/*
 * cond_wait and refcnt_finalize check that they may sleep on entry, not
 * only when they do: whether the wakeup came first is luck, and calling
 * them from interrupt context is a bug either way.
 */
void
cond_wait(struct cond *c, const char *wmesg)
{
	unsigned int wait;

	xcs_assert_sleepable(curcpu(), "cond_wait", wmesg);
	wait = atomic_load_int(&c->c_wait);
	while (wait) {
		sleep_setup(c, PWAIT, wmesg);
		wait = atomic_load_int(&c->c_wait);
		sleep_finish(INFSLP, wait);
	}
}

void
refcnt_init(struct refcnt *r)
{
	refcnt_init_trace(r, 0);
}

void
refcnt_init_trace(struct refcnt *r, int idx)
{
	r->r_traceidx = idx;
	atomic_store_int(&r->r_refs, 1);
}

unsigned int
refcnt_read(const struct refcnt *r)
{
	return (atomic_load_int(&r->r_refs));
}

void
refcnt_take(struct refcnt *r)
{
	unsigned int refs;

	refs = atomic_inc_int_nv(&r->r_refs);
	if (refs <= 1)
		panic("refcnt_take: cpu%u at %s: refcnt %p taken after it "
		    "dropped to zero", cpu_number(),
		    xcs_ipl_name(curcpu()->ci_ilevel), r);
}

static int
xcs_refcnt_drop(struct refcnt *r, const char *func)
{
	unsigned int refs;

	membar_exit_before_atomic();
	refs = atomic_dec_int_nv(&r->r_refs);
	if (refs == ~0U)
		panic("%s: cpu%u at %s: refcnt %p released below zero",
		    func, cpu_number(), xcs_ipl_name(curcpu()->ci_ilevel), r);
	return (refs);
}

int
refcnt_rele(struct refcnt *r)
{
	if (xcs_refcnt_drop(r, "refcnt_rele") != 0)
		return (0);
	membar_enter_after_atomic();
	return (1);
}

void
refcnt_rele_wake(struct refcnt *r)
{
	if (refcnt_rele(r))
		wakeup_one(r);
}

void
refcnt_finalize(struct refcnt *r, const char *wmesg)
{
	unsigned int refs;

	xcs_assert_sleepable(curcpu(), "refcnt_finalize", wmesg);
	refs = xcs_refcnt_drop(r, "refcnt_finalize");
	while (refs) {
		sleep_setup(r, PWAIT, wmesg);
		refs = atomic_load_int(&r->r_refs);
		sleep_finish(INFSLP, refs);
	}
	membar_sync();
}
