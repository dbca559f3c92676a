/*	xcallsim: machine/intr.h	*/

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
 * amd64 machine/intr.h: spl(9), splassert and the IPI send path, plus
 * the xcall glue (cpu_xcall_ipi) of the November 2025 proposal.
 */

#ifndef _MACHINE_INTR_H_
#define _MACHINE_INTR_H_

#include <machine/intrdefs.h>
#include <machine/cpu.h>

int	splraise(int);
int	spllower(int);
#define splx(_s)		spllower(_s)

#define splsoftclock()		splraise(IPL_SOFTCLOCK)
#define splsoftnet()		splraise(IPL_SOFTNET)
#define splsofttty()		splraise(IPL_SOFTTTY)
#define splbio()		splraise(IPL_BIO)
#define splnet()		splraise(IPL_NET)
#define spltty()		splraise(IPL_TTY)
#define splvm()			splraise(IPL_VM)
#define splaudio()		splraise(IPL_AUDIO)
#define splclock()		splraise(IPL_CLOCK)
#define splstatclock()		splraise(IPL_STATCLOCK)
#define splsched()		splraise(IPL_SCHED)
#define splhigh()		splraise(IPL_HIGH)
#define splipi()		splraise(IPL_IPI)
#define spl0()			spllower(IPL_NONE)

/*
 * splassert(9).  The simulated kernel is built with DIAGNOSTIC and
 * splassert_ctl defaults to 4 (panic), the strictest setting.
 */
extern int splassert_ctl;
void	splassert_check(int, const char *);
void	splassert_fail(int, int, const char *);
#define splassert(__wantipl) do {					\
	if (splassert_ctl > 0)						\
		splassert_check((__wantipl), __func__);			\
} while (0)
#define splsoftassert(__wantipl)	splassert(__wantipl)

#ifdef MULTIPROCESSOR
void	x86_send_ipi(struct cpu_info *, int);
void	x86_broadcast_ipi(int);
void	x86_ipi_handler(void);
extern void (*ipifunc[X86_NIPI])(struct cpu_info *);

#define cpu_xcall_ipi(_ci)	x86_send_ipi((_ci), X86_IPI_XCALL)
#endif /* MULTIPROCESSOR */

/* amd64 uses the MI softintr code (kern_softintr.c). */
#define __USE_MI_SOFTINTR
#include <sys/softintr.h>

void	softintr(int);

#endif /* _MACHINE_INTR_H_ */
