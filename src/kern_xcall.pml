/*
 * A Promela model of the cpu_xcall(9) slot protocol in kern_xcall.c,
 * checked exhaustively with spin(1) by tests/model_check.sh.
 *
 * Two CPUs, each with SLOTS slots, each posting POSTS xcalls to the
 * other.  A post takes the first free slot with a compare-and-swap and
 * sends an IPI, which marks SIR_XCALL pending; when all slots are
 * taken the sender spins, taking its own interrupts while its IPL
 * allows.  A pending SIR_XCALL runs the drain (cpu_xcall_dispatch) only
 * below IPL_SOFTCLOCK, and the drain runs at IPL_SOFTCLOCK.
 *
 * Checked: every xcall runs exactly once, on the CPU it was posted to,
 * and no state is reached in which every CPU waits (spin's invalid end
 * states).  Mutations, each expected to fail (see model_check.sh):
 *
 *	-DRAISED	senders post and spin above IPL_SOFTCLOCK: deadlock;
 *	-DREENTRANT -DLOADSTORE
 *			a drain that can nest on its own CPU and takes a slot
 *			with a load and a store: an xcall runs twice.
 *
 * -DREENTRANT alone (nesting, but the slot taken with an atomic swap)
 * and -DLOADSTORE alone (upstream's plain load and store, which only
 * its IPL discipline makes safe) must pass.
 *
 * Each step says which line of kern_xcall.c it stands for, as
 * "kern_xcall.c:N token"; model_check.sh checks that line N of
 * src/kern_xcall.c still contains the token.
 */

#define NCPU	2
#define SLOTS	2
#define POSTS	3
#define NXC	(NCPU * POSTS + 1)	/* xcall ids 1..NCPU*POSTS */

#define IPL_NONE	0
#define IPL_SOFTCLOCK	1

byte slot[NCPU * SLOTS];	/* ci_xcall.xci_xcalls[]: 0 is empty */
bool sir_xcall[NCPU];		/* SIR_XCALL pending in ci_ipending */
byte ipl[NCPU];			/* ci_ilevel */
byte runs[NXC];			/* how often each xcall ran */
byte target[NXC];		/* the CPU it was posted to */
byte posted;			/* posts completed, all CPUs */

/* An interrupt can be taken: SIR_XCALL pending and unmasked. */
#define TAKEABLE(c)	(sir_xcall[c] && ipl[c] < IPL_SOFTCLOCK)

/* The xcall's function: record where it ran. */
inline call_fn(c, x)
{
	assert(target[x] == c);		/* on the CPU it was posted to */
	runs[x]++;
	assert(runs[x] == 1);		/* never twice */
}

/*
 * Take slot s of CPU c into x.  kern_xcall.c:180 atomic_swap_ptr is one
 * step; upstream's plain load, and plain store of NULL if the slot was
 * full, are two, with a window between.
 */
inline take(c, s, x)
{
#ifdef LOADSTORE
	x = slot[c * SLOTS + s];
	if
	:: x != 0 -> slot[c * SLOTS + s] = 0
	:: else -> skip
	fi
#else
	atomic { x = slot[c * SLOTS + s]; slot[c * SLOTS + s] = 0 }
#endif
}

/*
 * The drain: cpu_xcall_dispatch() run by the SIR_XCALL source.  The
 * source claims its bit and raises to its level first, as amd64's
 * Xspllower does, then the one pass over the slots,
 * kern_xcall.c:175 nitems, calling each function at
 * kern_xcall.c:186 xc_func.  With
 * REENTRANT, a second drain can nest once between taking a slot and
 * checking it, as one called from an IPI handler could.
 */
inline drain_pass(c, s, x)
{
	s = 0;
	do
	:: s < SLOTS ->
		take(c, s, x);
		if
		:: x != 0 -> call_fn(c, x)
		:: else -> skip
		fi;
		s++
	:: else -> break
	od
}

inline drain(c)
{
	atomic { sir_xcall[c] = false; saved = ipl[c]; ipl[c] = IPL_SOFTCLOCK };
	s = 0;
	do
	:: s < SLOTS ->
#ifdef LOADSTORE
		x = slot[c * SLOTS + s];
#ifdef REENTRANT
		if
		:: !nested -> nested = true; drain_pass(c, s2, x2)
		:: true -> skip
		fi;
#endif
		if
		:: x != 0 -> slot[c * SLOTS + s] = 0
		:: else -> skip
		fi;
#else
#ifdef REENTRANT
		if
		:: !nested -> nested = true; drain_pass(c, s2, x2)
		:: true -> skip
		fi;
#endif
		atomic { x = slot[c * SLOTS + s]; slot[c * SLOTS + s] = 0 };
#endif
		if
		:: x != 0 -> call_fn(c, x)
		:: else -> skip
		fi;
		s++
	:: else -> break
	od;
	ipl[c] = saved
}

/*
 * Post xcall id to CPU t (the two slots written out: SLOTS is 2):
 * kern_xcall.c:110 atomic_cas_ptr into the first free slot, then
 * kern_xcall.c:114 cpu_xcall_ipi.  With every slot taken,
 * kern_xcall.c:124 CPU_BUSY_CYCLE: wait until a slot is free or, if the
 * IPL allows, take this CPU's own interrupt.  Waiting here instead of
 * looping is what turns a livelock into a state spin reports.
 */
inline post(c, t, id)
{
	target[id] = t;
	do
	:: atomic {
		(slot[t * SLOTS] == 0 || slot[t * SLOTS + 1] == 0);
		if
		:: slot[t * SLOTS] == 0 -> slot[t * SLOTS] = id
		:: else -> slot[t * SLOTS + 1] = id
		fi;
		break
	   }
	:: atomic {
		slot[t * SLOTS] != 0 && slot[t * SLOTS + 1] != 0;
		/* CPU_BUSY_CYCLE: spin until one of these holds. */
		(slot[t * SLOTS] == 0 || slot[t * SLOTS + 1] == 0 ||
		    TAKEABLE(c))
	   };
		if
		:: TAKEABLE(c) -> drain(c)
		:: else -> skip
		fi
	od;
	sir_xcall[t] = true;	/* the IPI: x86_send_ipi, then SIR_XCALL */
	posted++
}

proctype cpu(byte c)
{
	byte n = 0, x, x2, s, s2, saved, other, xid;
	bool nested = false;

	other = 1 - c;

	do
	:: TAKEABLE(c) -> drain(c)
	:: n < POSTS ->
#ifdef RAISED
		ipl[c] = IPL_SOFTCLOCK;		/* splsoftclock(), or higher */
#endif
		xid = c * POSTS + n + 1;
		post(c, other, xid);
#ifdef RAISED
		ipl[c] = IPL_NONE;
#endif
		n++
	:: n == POSTS && posted == NCPU * POSTS && !sir_xcall[c] &&
	    slot[c * SLOTS] == 0 && slot[c * SLOTS + 1] == 0 -> break
	od
}

init
{
	byte i;

	atomic {
		run cpu(0);
		run cpu(1)
	}
	/* Every CPU has finished: each xcall ran exactly once. */
	(_nr_pr == 1);
	i = 1;
	do
	:: i < NXC -> assert(runs[i] == 1); i++
	:: else -> break
	od
}
