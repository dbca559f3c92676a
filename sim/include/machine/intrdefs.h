/*	xcallsim: machine/intrdefs.h	*/

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
 * amd64 interrupt definitions (intrdefs.h 1.24 plus the November 2025
 * xcall glue proposal).
 */

#ifndef _MACHINE_INTRDEFS_H_
#define _MACHINE_INTRDEFS_H_

/* Interrupt priority levels, as amd64 since 2024. */
#define IPL_NONE	0x0
#define IPL_SOFTCLOCK	0x1
#define IPL_SOFTNET	0x2
#define IPL_BIO		0x3
#define IPL_NET		0x4
#define IPL_SOFTTTY	0x8
#define IPL_TTY		0x9
#define IPL_VM		0xa
#define IPL_AUDIO	0xb
#define IPL_CLOCK	0xc
#define IPL_STATCLOCK	IPL_CLOCK
#define IPL_SCHED	IPL_CLOCK
#define IPL_HIGH	0xd
#define IPL_IPI		0xe
#define NIPL		16

#define IPL_MPFLOOR	IPL_TTY
#define IPL_MPSAFE	0x100
#define IPL_WAKEUP	0x200

/*
 * Interrupt source bits in ci_ipending.  Where the soft sources sit is a
 * parameter of the model (see xcallsim.h, struct xcs_config's
 * xc_sir_layout): intrdefs.h 1.24 had no SIR_XCALL, dlg's proposal put it
 * at 58 below SIR_TTY, and kettenis asked for it next to SIR_CLOCK.  The
 * sources are replayed highest bit first, so the layout decides their
 * order.
 */
struct xcs_intr_bits {
	int	sir_xcall;
	int	sir_clock;
	int	sir_net;
	int	sir_tty;
};
extern struct xcs_intr_bits xcs_intr_bits;

#define LIR_IPI		63
#define LIR_TIMER	62
#define SIR_XCALL	(xcs_intr_bits.sir_xcall)
#define SIR_CLOCK	(xcs_intr_bits.sir_clock)
#define SIR_NET		(xcs_intr_bits.sir_net)
#define SIR_TTY		(xcs_intr_bits.sir_tty)

#define MAX_INTR_SOURCES	64

/* Inter-processor interrupt vectors (bits in ci_ipis). */
#define X86_IPI_HALT		0x00000001
#define X86_IPI_NOP		0x00000002
#define X86_IPI_VMCLEAR_VMM	0x00000004
#define X86_IPI_PCTR		0x00000010
#define X86_IPI_MTRR		0x00000020
#define X86_IPI_SETPERF		0x00000040
#define X86_IPI_DDB		0x00000080
#define X86_IPI_START_VMM	0x00000100
#define X86_IPI_STOP_VMM	0x00000200
#define X86_IPI_WBINVD		0x00000400
#define X86_IPI_XCALL		0x00000800

#define X86_NIPI		13

#endif /* _MACHINE_INTRDEFS_H_ */
