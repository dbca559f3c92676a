/*	$OpenBSD$	*/
/*	xcallsim: sys/xcall.h	*/

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
 * cpu_xcall(9): run a function on another CPU.
 *
 * Work for a CPU is wrapped in a struct xcall, much like a task or a
 * timeout.  Each CPU of a MULTIPROCESSOR kernel has four slots that hold
 * pointers to xcalls.  A sender claims a free slot of the target with a
 * compare-and-swap, spinning while all four are taken, and then sends the
 * target the xcall IPI.  The machine-dependent code arranges for the
 * target to run cpu_xcall_dispatch() at IPL_SOFTCLOCK, which empties the
 * slots and calls each function.
 *
 * An architecture provides, under MULTIPROCESSOR:
 *  1. a struct xcall_cpu ci_xcall member in struct cpu_info;
 *  2. a call to cpu_xcall_establish() for every cpu_info;
 *  3. cpu_xcall_ipi() in machine/intr.h;
 *  4. a call to cpu_xcall_dispatch() at IPL_SOFTCLOCK on the target.
 */

#ifndef _SYS_XCALL_H
#define _SYS_XCALL_H

struct xcall {
	void		(*xc_func)(void *);
	void		*xc_arg;
};

/* The MD code embeds this in struct cpu_info as ci_xcall. */
struct xcall_cpu {
	struct xcall	*xci_xcalls[4];
	void		*xci_softintr;	/* unused since the 2025/11 split */
};

#ifdef _KERNEL
#define XCALL_INITIALIZER(_f, _a) {					\
	.xc_func = (_f),						\
	.xc_arg = (_a),							\
}

void	cpu_xcall_set(struct xcall *, void (*)(void *), void *);
void	cpu_xcall(struct cpu_info *, struct xcall *);
void	cpu_xcall_sync(struct cpu_info *, void (*)(void *), void *,
	    const char *);

/* MD CPU attachment calls this for every CPU. */
void	cpu_xcall_establish(struct cpu_info *);
/* MD code calls this on the target CPU at IPL_SOFTCLOCK. */
void	cpu_xcall_dispatch(struct cpu_info *);
#endif /* _KERNEL */

#endif /* _SYS_XCALL_H */
