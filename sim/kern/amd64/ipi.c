/*	xcallsim: sim/kern/amd64/ipi.c, amd64's IPI send and handler	*/

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
 * IPIs, as amd64's ipi.c and ipifuncs.c have them.  Sending one sets
 * its vector's bit in the target's ci_ipis and rings the target's
 * doorbell only if no IPI was pending already, because the local APIC
 * holds one pending interrupt per vector.  The doorbell is the host's
 * (xcs_cpu_ring, a hypercall): a signal, a futex wake, or nothing for
 * a CPU that polls.  The instruments see a send through three hooks.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"
#include "md.h"

/* The earlier glue: dispatch from the IPI handler.  Set at attach. */
static int xcs_glue_softintr;

void
xcs_md_glue(int softintr)
{
	xcs_glue_softintr = softintr;
}

#ifdef MULTIPROCESSOR

static void	x86_64_ipi_nop(struct cpu_info *);
static void	x86_64_ipi_xcall(struct cpu_info *);

void (*ipifunc[X86_NIPI])(struct cpu_info *) = {
	[1] = x86_64_ipi_nop,		/* X86_IPI_NOP */
	[11] = x86_64_ipi_xcall,	/* X86_IPI_XCALL */
};

static void
x86_64_ipi_nop(struct cpu_info *ci)
{
}

/* One pass of the MI dispatch over ci's slots. */
void
xcs_md_dispatch(struct cpu_info *ci)
{
	xcs_count(ci, XCS_CNT_DISPATCH_RUNS);
	xcs_tr_dispatch(ci);
	cpu_xcall_dispatch(ci);
	xcs_tr_dispatch_end(ci);
}

/*
 * The xcall vector.  The November 2025 glue only marks SIR_XCALL
 * pending; it runs once the IPL drops below IPL_SOFTCLOCK.  The earlier
 * glue called into the MI code from here, at IPL_IPI, and the MI code
 * scheduled a softintr.
 */
static void
x86_64_ipi_xcall(struct cpu_info *ci)
{
	if (xcs_glue_softintr) {
		xcs_md_dispatch(ci);
		return;
	}
	x86_atomic_setbits_u64(&ci->ci_ipending, 1UL << SIR_XCALL);
}

/*
 * x86_ipi_handler for CPU ci: take every pending vector at once and run
 * each.  The swap is the acquire that pairs with the sender's fetch-or,
 * so whatever the sender stored before sending (the xcall in its slot)
 * is visible here.
 */
void
xcs_ipi_source(struct cpu_info *ci)
{
	u_int32_t pending;
	int bit;

	pending = xcs_atomic_swap(&ci->ci_ipis, 0);
	if (pending != 0)
		xcs_count(ci, XCS_CNT_IPI_TAKEN);
	while (pending != 0) {
		bit = __builtin_ctz(pending);
		pending &= pending - 1;
		if (bit >= X86_NIPI || ipifunc[bit] == NULL)
			panic("x86_ipi_handler: cpu%u: unexpected IPI vector "
			    "%#x at %s", ci->ci_cpuid, 1U << bit,
			    xcs_ipl_name(ci->ci_ilevel));
		(*ipifunc[bit])(ci);
	}
}

void
x86_ipi_handler(void)
{
	xcs_ipi_source(curcpu());
}

void
x86_send_ipi(struct cpu_info *ci, int ipimask)
{
	struct cpu_info *self = curcpu();
	int how, s;

	xcs_check_cpu(ci, "x86_send_ipi");

	/*
	 * amd64's x86_ipi writes the local APIC's ICR with interrupts
	 * disabled, so a send is one step.  Here it is two, setting the
	 * bit and ringing the doorbell, and an IPI taken between them
	 * could run an xcall that spins on this very target: its bit is
	 * set, so every other sender coalesces and nobody would ring.
	 * Masking IPIs across both steps makes the send one step again.
	 */
	s = splraise(IPL_IPI);
	if (XCS_HOOKED(xh_ipi_drop) && XCS_HOOK(xh_ipi_drop)(self, ci))
		how = XCS_IPI_DROPPED;
	/*
	 * The fetch-or is a full barrier: it orders everything this CPU
	 * stored before (the slot it claimed) before the target can see
	 * the bit, and before the host's load of the target's state when
	 * it rings, which pairs with the target storing its state and
	 * then loading ci_ipis when it waits.  One sees the other.
	 *
	 * amd64 sends the LAPIC IPI every time; the local APIC merges it
	 * with one not yet taken, which bits already in ci_ipis stand for
	 * here.  But bits of an IPI the target took and holds (LIR_IPI
	 * pending) at a level where a new one would be taken, as
	 * amd64-1.64 does below IPL_IPI, wait for the spl code: a new
	 * IPI is delivered, and its handler takes them all.
	 */
	else if (xcs_atomic_fetch_or(&ci->ci_ipis, (u_int32_t)ipimask) != 0 &&
	    !xcs_ipi_held_below_ipi(ci))
		how = XCS_IPI_COALESCED;
	else
		how = xcs_cpu_ring(self, ci);
	if (XCS_HOOKED(xh_ipi_sent))
		XCS_HOOK(xh_ipi_sent)(self, ci, ipimask, how);
	splx(s);
	if (XCS_HOOKED(xh_post_done))
		XCS_HOOK(xh_post_done)(self);
}

void
x86_broadcast_ipi(int ipimask)
{
	struct cpu_info *ci, *self = curcpu();
	CPU_INFO_ITERATOR cii;

	CPU_INFO_FOREACH(cii, ci) {
		if (ci != self)
			x86_send_ipi(ci, ipimask);
	}
}

#endif /* MULTIPROCESSOR */
