/*	xcallsim: sim/xcs.h, the machine's internals	*/

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

#ifndef _XCS_H_
#define _XCS_H_

/*
 * The host side's parts that still read cpu_info's layout: the machine's
 * state (xcs_machine.h) and the kernel's shim headers, with the helpers
 * that follow a cpu_info pointer.
 */

#include <sys/param.h>
#include <sys/proc.h>
#include <sys/atomic.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcs_machine.h"

/* Counters: atomic increments, from any CPU or handler. */
#define XCS_STAT_INC(_ci, _field)					\
	((void)xcs_atomic_add_nv(&(_ci)->ci_xcs->xc_stats._field, 1))

#endif /* _XCS_H_ */
