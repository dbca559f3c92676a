/*	xcallsim: sim/kern/init_main.c, the kernel's own start	*/

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
 * What main() and cpu_attach do for the xcall code once the CPUs are
 * there: the MI soft interrupts first, then cpu_xcall_establish() on
 * every CPU, which the earlier generation of the MI code used to
 * establish a softintr per CPU.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

int
xcs_kern_attach(void)
{
	int earlier = 0;
#ifdef MULTIPROCESSOR
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;
#endif

	softintr_init();
#ifdef MULTIPROCESSOR
	CPU_INFO_FOREACH(cii, ci) {
		cpu_xcall_establish(ci);
		if (ci->ci_xcall.xci_softintr != NULL)
			earlier = 1;
	}
#endif
	return (earlier);
}
