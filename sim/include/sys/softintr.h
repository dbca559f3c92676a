/*	xcallsim: sys/softintr.h	*/

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
 * The MI soft interrupt API (kern_softintr.c 1.1).  Kept faithful so the
 * earlier xcall glue, which scheduled a softintr from IPL_IPI, runs and
 * shows the hazards the November 2025 redesign removed.
 */

#ifndef _SYS_SOFTINTR_H_
#define _SYS_SOFTINTR_H_

#define SOFTINTR_CLOCK		0
#define SOFTINTR_NET		1
#define SOFTINTR_TTY		2
#define NSOFTINTR		3

void	*softintr_establish(int, void (*)(void *), void *);
void	 softintr_disestablish(void *);
void	 softintr_schedule(void *);
void	 softintr_dispatch(int);
void	 softintr_init(void);

#endif /* _SYS_SOFTINTR_H_ */
