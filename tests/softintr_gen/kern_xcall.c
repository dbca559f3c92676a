/*	xcallsim: tests/softintr_gen/kern_xcall.c	*/

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
 * cpu_xcall(9) of the earlier generation, the shape of upstream 1.1:
 * the MD IPI handler calls cpu_xcall_dispatch() at IPL_IPI, and that
 * schedules an MI softintr at IPL_SOFTCLOCK which drains the slots.
 * Posting, cpu_xcall_sync() and the drain are the current file's, taken
 * whole, so the only difference under test is the split between IPI and
 * softintr, the one the November 2025 redesign removed.  Its two hazards,
 * with the machine's faithful kern_softintr.c:
 *
 *  - softintr_schedule() takes softintr_lock, an IPL_HIGH mutex, and
 *    IPL_IPI is above IPL_HIGH: an IPI arriving while this CPU holds the
 *    lock re-enters mtx_enter, "locking against myself".
 *
 *  - The softintr queues are global: another CPU running SOFTINTR_CLOCK
 *    pops this CPU's handler and drains this CPU's slots itself.
 *
 * tests/test_softintr_gen.c shows each, and that the current glue shows
 * neither.
 */

#define cpu_xcall_dispatch	cpu_xcall_drain
#define cpu_xcall_establish	cpu_xcall_establish_slots
#include "../../src/kern_xcall.c"
#undef cpu_xcall_dispatch
#undef cpu_xcall_establish

#ifdef MULTIPROCESSOR
static void
cpu_xcall_softintr(void *arg)
{
	cpu_xcall_drain(arg);
}

void
cpu_xcall_establish(struct cpu_info *ci)
{
	struct xcall_cpu *xci = &ci->ci_xcall;

	cpu_xcall_establish_slots(ci);
	xci->xci_softintr = softintr_establish(IPL_SOFTCLOCK | IPL_MPSAFE,
	    cpu_xcall_softintr, ci);
	KASSERT(xci->xci_softintr != NULL);
}

/* Called by the MD IPI handler, at IPL_IPI. */
void
cpu_xcall_dispatch(struct cpu_info *ci)
{
	softintr_schedule(ci->ci_xcall.xci_softintr);
}
#endif /* MULTIPROCESSOR */
