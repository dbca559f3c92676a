/*	xcallsim: sim/ipi.c, inter-processor interrupts	*/

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
 * The host's side of IPIs; amd64's send and handler are in
 * sim/kern/amd64/ipi.c.  A send sets its vector's bit in the target's
 * ci_ipis and, if no IPI was pending, rings the doorbell here
 * (xcs_cpu_ring).  How it rings depends on what the target is doing: a
 * running CPU gets the host signal, a halted one a wake of the host
 * layer (sim/host), and a polling one is only left the bit, which it
 * is watching.  The send's observers and the slot observers are here
 * too.
 *
 * The signal handler is the CPU's interrupt entry.  It and everything it
 * calls use only thread-locals, atomics, the host layer's wait and wake
 * and other async-signal-safe calls.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "xcs.h"

#ifdef MULTIPROCESSOR

static void	xcs_fault_extra_ipis(struct cpu_info *, struct cpu_info *);
static void	xcs_slots_signalled(struct cpu_info *, struct cpu_info *);

static struct sigaction xcs_ipi_oldact;
static int xcs_ipi_installed;

/*
 * Ring target ci's doorbell the way its state asks for: a running CPU
 * gets the host signal, a halted one a futex wake, a polling one
 * nothing, since it watches ci_ipis.  self, the sender counted, is NULL
 * when the watchdog resends.  Returns how, for the trace.
 */
static int
xcs_ring(struct cpu_info *self, struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;

	switch (xcs_atomic_load(&xc->xc_state)) {
	case XCS_POLLING:
		if (self != NULL)
			XCS_STAT_INC(self, xs_ipi_skipped);
		return (XCS_IPI_POLLED);
	case XCS_BLOCKED:
		if (self != NULL)
			XCS_STAT_INC(self, xs_ipi_sent);
		xcs_cpu_kick(ci);
		return (XCS_IPI_WAKE);
	case XCS_STOPPED:
		return (XCS_IPI_STOPPED);
	default:
		if (self != NULL)
			XCS_STAT_INC(self, xs_ipi_sent);
		/* In replay the target takes it at its next point. */
		if (xcs_replay_active()) {
			xcs_replay_signal(ci);
			return (XCS_IPI_SIGNAL);
		}
		if (self != NULL)
			XCS_STAT_INC(self, xs_ipi_signals);
		pthread_kill(xc->xc_thread, xcs_machine.xm_signal);
		return (XCS_IPI_SIGNAL);
	}
}

/*
 * The doorbell of x86_send_ipi (a hypercall), which has just set the
 * target's bit: the delay fault may hold the ring back.
 */
int
xcs_cpu_ring(struct cpu_info *self, struct cpu_info *ci)
{
	if (xcs_faults.f_on && xcs_fault(self, xcs_faults.f_delay))
		xcs_fault_delay(self, xcs_faults.f_delay_us);
	return (xcs_ring(self, ci));
}

/*
 * x86_send_ipi from self to ci is done, at IPL_IPI (the xh_ipi_sent
 * hook): count and trace it, let the dup and spurious faults add their
 * IPIs, and note that ci's slots claimed by self are signalled.
 */
static void
xcs_ipi_sent(struct cpu_info *self, struct cpu_info *ci, int ipimask,
    int how)
{
	if (how == XCS_IPI_COALESCED)
		XCS_STAT_INC(self, xs_ipi_coalesced);
	else if (how == XCS_IPI_DROPPED)
		XCS_STAT_INC(self, xs_ipi_dropped);
	xcs_trace(self, XCS_TR_IPI, how, ci->ci_cpuid, NULL, ipimask);
	if (xcs_faults.f_on && how != XCS_IPI_DROPPED)
		xcs_fault_extra_ipis(self, ci);
	if (ipimask & X86_IPI_XCALL)
		xcs_slots_signalled(self, ci);
}

/*
 * The dup and spurious faults: the same IPI once more, and one to a CPU
 * chosen at random.  Sent as the watchdog resends, uncounted as sends.
 */
static void
xcs_fault_extra_ipis(struct cpu_info *self, struct cpu_info *ci)
{
	struct cpu_info *other;

	if (xcs_fault(self, xcs_faults.f_dup))
		xcs_ipi_resend(ci);
	if (xcs_fault(self, xcs_faults.f_spurious) &&
	    (other = xcs_fault_other_cpu(self)) != NULL)
		xcs_ipi_resend(other);
}

/* The host signal: this thread's CPU takes an IPI. */
static void
xcs_ipi_signal(int sig, siginfo_t *si, void *uc)
{
	struct cpu_info *ci = xcs_curcpu_tls;
	int saved_errno = errno;

	if (ci != NULL &&
	    xcs_atomic_load(&ci->ci_xcs->xc_state) != XCS_STOPPED)
		xcs_intr_ipi(ci);
	errno = saved_errno;
}

/*
 * Take the IPI signal.  A handler the program already installed for it
 * means the signal is in use, and taking it over would break the
 * program, so that is an error.  SA_NODEFER lets IPIs nest over soft
 * interrupts run from the handler; no SA_RESTART, so a CPU waiting in a
 * system call returns to look at its doorbell.
 */
int
xcs_ipi_install(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &xcs_ipi_oldact) == -1) {
		xcs_seterr("xcs_boot: signal %d: %s", sig, strerror(errno));
		return (EINVAL);
	}
	if ((xcs_ipi_oldact.sa_flags & SA_SIGINFO) ||
	    (xcs_ipi_oldact.sa_handler != SIG_DFL &&
	    xcs_ipi_oldact.sa_handler != SIG_IGN)) {
		xcs_seterr("xcs_boot: signal %d (%s) already has a handler; "
		    "choose another IPI signal", sig, strsignal(sig));
		return (EBUSY);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = xcs_ipi_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) == -1) {
		xcs_seterr("xcs_boot: signal %d: %s", sig, strerror(errno));
		return (EINVAL);
	}
	xcs_ipi_installed = 1;
	xcs_hooks.xh_slot_check = xcs_slot_check;
	xcs_hooks.xh_slot_claimed = xcs_slot_claimed;
	xcs_hooks.xh_slot_taken = xcs_slot_taken;
	xcs_hooks.xh_slots_lo = xcs_cpus_lo;
	xcs_hooks.xh_slots_hi = xcs_cpus_hi;
	xcs_hooks.xh_ipi_sent = xcs_ipi_sent;
	return (0);
}

/* Block the IPI signal on this thread; the old mask goes to *saved. */
void
xcs_ipi_mask(sigset_t *saved)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, xcs_machine.xm_signal);
	pthread_sigmask(SIG_BLOCK, &set, saved);
}

/* This CPU is ready: let IPIs in. */
void
xcs_ipi_unmask(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, xcs_machine.xm_signal);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void
xcs_ipi_uninstall(void)
{
	xcs_hooks.xh_slots_lo = xcs_hooks.xh_slots_hi = NULL;
	xcs_hooks.xh_ipi_sent = NULL;
	if (xcs_ipi_installed) {
		sigaction(xcs_machine.xm_signal, &xcs_ipi_oldact, NULL);
		xcs_ipi_installed = 0;
	}
}

/*
 * Slot accounting and checks.  The MI code claims a slot of a target's
 * ci_xcall with a compare-and-swap from NULL; the machine sees it here.
 * Dispatch needs no hook: whatever was put in a slot and is no longer
 * there was taken by the target, so xcs_stats() computes dispatched
 * from the claims and the slots.
 */
static __thread int xcs_slot_was_full;
static __thread void *xcs_posting, *xcs_posting_func, *xcs_posting_arg;

static __thread struct cpu_info *xcs_full_traced;
static void	xcs_slot_note(struct cpu_info *, volatile void *, void *);

void
xcs_ipi_tls_touch(void)
{
	XCS_TLS_TOUCH(xcs_slot_was_full);
	XCS_TLS_TOUCH(xcs_posting);
	XCS_TLS_TOUCH(xcs_posting_func);
	XCS_TLS_TOUCH(xcs_posting_arg);
	XCS_TLS_TOUCH(xcs_full_traced);
}

/* Which of target's slots p is. */
static size_t
xcs_slot_index(struct cpu_info *target, volatile void *p)
{
	return ((size_t)((char *)p - (char *)target->ci_xcall.xci_xcalls) /
	    sizeof(target->ci_xcall.xci_xcalls[0]));
}

/*
 * The last slot was taken too: trace that target's slots were full,
 * once until this CPU claims a slot again.
 */
static void
xcs_slot_full_trace(struct cpu_info *self, struct cpu_info *target,
    volatile void *p)
{
	if (xcs_slot_index(target, p) + 1 !=
	    nitems(target->ci_xcall.xci_xcalls) || xcs_full_traced == target)
		return;
	xcs_full_traced = target;
	xcs_trace(self, XCS_TR_FULL, 0, target->ci_cpuid, NULL, 0);
}

static struct cpu_info *
xcs_slot_cpu(volatile void *p)
{
	size_t off, lo, hi;

	off = (size_t)((char *)p - xcs_cpus_lo);
	lo = offsetof(struct cpu_info, ci_xcall.xci_xcalls);
	hi = lo + sizeof(((struct cpu_info *)NULL)->ci_xcall.xci_xcalls);
	if (off % sizeof(struct cpu_info) < lo ||
	    off % sizeof(struct cpu_info) >= hi)
		return (NULL);
	return (&xcs_machine.xm_cpus[off / sizeof(struct cpu_info)]);
}

void
xcs_slot_check(volatile void *p, void *o, void *n)
{
	struct cpu_info *self = xcs_curcpu_tls, *target;
	struct xcall *xc = n;

	if (o != NULL || self == NULL || (target = xcs_slot_cpu(p)) == NULL)
		return;
	if (xc == NULL)
		panic("cpu_xcall: cpu%u at %s posted a NULL xcall to cpu%u",
		    self->ci_cpuid, xcs_ipl_name(self->ci_ilevel),
		    target->ci_cpuid);
	if (xc->xc_func == NULL)
		panic("cpu_xcall: cpu%u at %s posted xcall %p with a NULL "
		    "function to cpu%u", self->ci_cpuid,
		    xcs_ipl_name(self->ci_ilevel), xc, target->ci_cpuid);
	/*
	 * Read now, while the poster certainly owns the xcall: once it
	 * is in the slot it may run and be reused at any moment.
	 */
	xcs_posting = xc;
	xcs_posting_func = (void *)xc->xc_func;
	xcs_posting_arg = xc->xc_arg;
	if (!xcs_faults.f_on)
		return;
	/* The early fault: an IPI that overtakes the xcall it is for. */
	if (xcs_fault(self, xcs_faults.f_early))
		xcs_ipi_resend(target);
	xcs_fault_raise(self);
}

void
xcs_slot_claimed(volatile void *p, void *o, void *n, void *old)
{
	struct cpu_info *self = xcs_curcpu_tls, *target;

	if (o != NULL || self == NULL || (target = xcs_slot_cpu(p)) == NULL)
		return;
	if (old == NULL) {
		XCS_STAT_INC(self, xs_posted);
		xcs_atomic_add_nv(&target->ci_xcs->xc_received, 1);
		xcs_slot_was_full = 0;
		xcs_full_traced = NULL;
		xcs_progress(self->ci_xcs);
		xcs_slot_note(target, p, n);
	} else {
		xcs_slot_was_full = 1;
		/* Only this CPU writes it; the monitor reads it. */
		xcs_atomic_store(&self->ci_xcs->xc_spin_target,
		    (int)target->ci_cpuid);
		xcs_slot_full_trace(self, target, p);
	}
}

/*
 * Note what went into slot p of target, for the state dump and the
 * watchdog, which must not read the xcall itself.  The stores are
 * atomic only for those readers; a slot taken and refilled at once may
 * show its last xcall for a moment.
 */
static void
xcs_slot_note(struct cpu_info *target, volatile void *p, void *n)
{
	struct xcs_cpu *xc = target->ci_xcs;
	size_t i;

	/* A post nested between check and claim noted its own xcall. */
	if (n != xcs_posting)
		xcs_posting_func = xcs_posting_arg = NULL;
	i = xcs_slot_index(target, p);
	if (i >= nitems(xc->xc_slot_func))
		return;
	xcs_atomic_store(&xc->xc_slot_func[i], xcs_posting_func);
	xcs_atomic_store(&xc->xc_slot_arg[i], xcs_posting_arg);
	xcs_atomic_store(&xc->xc_slot_runs[i],
	    xcs_atomic_load(&xc->xc_stats.xs_dispatch_runs));
	(void)xcs_atomic_add_nv(&xc->xc_slot_seq[i], 1);
	xcs_atomic_store(&xc->xc_slot_unsent[i],
	    XCS_UNSENT(xcs_curcpu_tls->ci_cpuid,
	    xcs_atomic_load(&xcs_curcpu_tls->ci_idepth)));
	xcs_trace(xcs_curcpu_tls, XCS_TR_POST, (int)i, target->ci_cpuid,
	    xcs_posting_func, (uint64_t)(uintptr_t)xcs_posting_arg);
}

/*
 * self has sent ci the xcall IPI, or tried to (a dropped one counts):
 * every slot of ci that self claimed before is covered by it, whichever
 * of self's nested posts claimed it.  A resend (self NULL) covers
 * all.  Only for the reports, which say
 * of a slot nothing will dispatch whether its poster ever sent an IPI.
 */
static void
xcs_slots_signalled(struct cpu_info *self, struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	size_t i;
	int u;

	for (i = 0; i < nitems(xc->xc_slot_unsent); i++) {
		u = xcs_atomic_load(&xc->xc_slot_unsent[i]);
		/* A CAS, so as not to clear a newer poster's record. */
		if (u != 0 && (self == NULL ||
		    XCS_UNSENT_CPU(u) == (int)self->ci_cpuid))
			(void)xcs_atomic_cas(&xc->xc_slot_unsent[i], u, 0);
	}
}

/*
 * Whether slot i of ci was claimed by a CPU that has sent ci no xcall
 * IPI since; if so *poster is that CPU.
 */
int
xcs_slot_unsent(struct cpu_info *ci, size_t i, int *poster)
{
	int u = xcs_atomic_load(&ci->ci_xcs->xc_slot_unsent[i]);

	if (u == 0 || XCS_UNSENT_CPU(u) < 0 ||
	    XCS_UNSENT_CPU(u) >= (int)xcs_machine.xm_ncpus)
		return (0);
	*poster = XCS_UNSENT_CPU(u);
	return (1);
}

/*
 * Whether the poster of slot i of ci left cpu_xcall() without sending
 * ci an xcall IPI: it is no deeper in interrupts than at its claim.  Not
 * a lost IPI but the MI code's own omission.
 */
int
xcs_slot_never_sent(struct cpu_info *ci, size_t i)
{
	int poster, u;

	u = xcs_atomic_load(&ci->ci_xcs->xc_slot_unsent[i]);
	if (!xcs_slot_unsent(ci, i, &poster))
		return (0);
	return (xcs_atomic_load(&xcs_machine.xm_cpus[poster].ci_idepth) <=
	    XCS_UNSENT_DEPTH(u));
}

/*
 * Say why nothing will dispatch slot i of ci, if its poster never sent
 * the IPI: still inside an interrupt it took between its CAS and
 * cpu_xcall_ipi(), or gone on without sending one.
 */
void
xcs_print_unsent(FILE *f, struct cpu_info *ci, size_t i)
{
	struct cpu_info *pci;
	const char *doing;
	int poster;

	if (!xcs_slot_unsent(ci, i, &poster))
		return;
	pci = &xcs_machine.xm_cpus[poster];
	doing = xcs_atomic_load(&pci->ci_xcs->xc_doing);
	if (!xcs_slot_never_sent(ci, i))
		fprintf(f, ": cpu%d claimed it and took an interrupt before "
		    "its cpu_xcall_ipi(); cpu%d is still in it, at %s in %s",
		    poster, poster,
		    xcs_ipl_name(xcs_atomic_load(&pci->ci_ilevel)),
		    doing != NULL ? doing : "?");
	else
		fprintf(f, ": cpu%d claimed it and has sent cpu%u no xcall "
		    "IPI since (cpu%d is at %s, %s)", poster, ci->ci_cpuid,
		    poster, xcs_ipl_name(xcs_atomic_load(&pci->ci_ilevel)),
		    doing != NULL ? doing : "?");
}

/*
 * A CPU took another CPU's slot: the earlier glue's global softintr
 * queue lets a CPU run a handler scheduled for another.  A kernel with
 * KASSERT(ci == curcpu()) in the drain would stop here.
 */
static void
xcs_slot_wrong_cpu(struct cpu_info *self, struct cpu_info *target,
    volatile void *p, struct xcall *xc)
{
	char buf[32];

	panic("cpu_xcall_dispatch: xcall %s(%p) posted to cpu%u ran on cpu%u "
	    "at %s: cpu%u took cpu%u's slot %zu",
	    xcs_fn_name((void *)xc->xc_func, buf, sizeof(buf)), xc->xc_arg,
	    target->ci_cpuid, self->ci_cpuid,
	    xcs_ipl_name(xcs_atomic_load(&self->ci_ilevel)), self->ci_cpuid,
	    target->ci_cpuid, xcs_slot_index(target, p));
}

/*
 * Dispatch took xcall o out of a slot: remember its function, read now
 * while the xcall is certainly alive, for the state dump.
 */
void
xcs_slot_taken(volatile void *p, void *o)
{
	struct cpu_info *self = xcs_curcpu_tls, *target;
	struct xcall *xc = o;

	if (xc == NULL || self == NULL || (target = xcs_slot_cpu(p)) == NULL)
		return;
	if (target != self)
		xcs_slot_wrong_cpu(self, target, p, xc);
	/* Only this CPU writes it; the monitor reads it. */
	xcs_atomic_store(&self->ci_xcs->xc_last_func, (void *)xc->xc_func);
	xcs_trace(self, XCS_TR_TAKE, (int)xcs_slot_index(self, p), -1,
	    (void *)xc->xc_func, (uint64_t)(uintptr_t)xc->xc_arg);
}

/*
 * The watchdog found an xcall in ci's slots with no IPI on its way and
 * was asked to recover: send the xcall IPI again, from no CPU.
 */
void
xcs_ipi_resend(struct cpu_info *ci)
{
	/* Full barrier, as in x86_send_ipi; see there. */
	if (xcs_atomic_fetch_or(&ci->ci_ipis, (u_int32_t)X86_IPI_XCALL) == 0)
		xcs_ring(NULL, ci);
	xcs_slots_signalled(NULL, ci);
	xcs_trace(xcs_curcpu_tls, XCS_TR_IPI, XCS_IPI_RESENT, ci->ci_cpuid,
	    NULL, X86_IPI_XCALL);
}

/* Called from CPU_BUSY_CYCLE: a spin right after a failed claim. */
int
xcs_slot_spin_seen(void)
{
	int full = xcs_slot_was_full;

	xcs_slot_was_full = 0;
	return (full);
}

#else /* MULTIPROCESSOR */

/* One CPU, the booting thread: no IPI to keep out. */
void
xcs_ipi_mask(sigset_t *saved)
{
	pthread_sigmask(SIG_BLOCK, NULL, saved);
}

void
xcs_ipi_unmask(void)
{
}

void
xcs_ipi_tls_touch(void)
{
}

int
xcs_slot_spin_seen(void)
{
	return (0);
}

void
xcs_ipi_resend(struct cpu_info *ci)
{
}

int
xcs_ipi_install(int sig)
{
	return (0);
}

void
xcs_ipi_uninstall(void)
{
}

#endif /* MULTIPROCESSOR */
