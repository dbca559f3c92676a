/*	xcallsim: sim/kern/amd64/md.h, between the amd64 parts	*/

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

#ifndef _XCS_AMD64_MD_H_
#define _XCS_AMD64_MD_H_

/* intr.c: a CPU's interrupt state at attach; lowering its IPL. */
void	xcs_md_cpu_attach(struct cpu_info *);
void	xcs_spl_lower(struct cpu_info *, int);
int	xcs_ipi_held_below_ipi(struct cpu_info *);

/* ipi.c: the IPI source's handler, and one xcall dispatch pass. */
void	xcs_ipi_source(struct cpu_info *);
void	xcs_md_dispatch(struct cpu_info *);

#endif /* _XCS_AMD64_MD_H_ */
