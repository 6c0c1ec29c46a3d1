/*
 * handover.pml -- the phase / ledger / repair / re-sync protocol of dualwrite, as a model for spin.
 *
 * One migration with two sides (OLD, NEW), NK keys and NI application instances. README.md next to this file
 * says what is covered, what is abstracted, and what spin found; check.sh runs every variant below.
 *
 * Processes
 *   Instance(i)  an application instance. It caches the stored phase and its version, refreshes the cache at
 *                any moment between two of its writes, and writes keys routed by the phase it caches: the primary
 *                commit (value and ledger entry), then the copy to the other side.
 *   Outages      takes either side's database down and brings it back, at any moment (at most MAXOUT times).
 *   Repairer     takes any ledger entry (key, ahead = S), copies the key from S to the other side and removes the
 *                entry (rule R1).
 *   Control      the operator or autopilot, and the jobs the moves set going: every allowed move with its gates,
 *                the backfill, the verifier, the re-sync after DROP_OLD -> READ_NEW.
 *   Monitor      checks invariants 1 and 3 in every reachable state.
 *
 * Variants (spin -DNAME ...)
 *   (none)              the protocol with the fenced handover this model proposes: it must pass.
 *   NO_FENCE            the protocol exactly as described, without fences. Fails (see README, findings 1 and 2).
 *   NO_RESYNC_RULE      drops rule R3. Fails: the source of truth goes back to an OLD side without the DROP_OLD
 *                       writes.
 *   NO_PRIMARY_FENCE, NO_COPY_FENCE, NO_DRAIN
 *                       drop one of the three parts of the fenced handover. Each fails.
 *   NO_RESYNC_BARRIER   the re-sync verifies without waiting for the barrier. Fails.
 *   NO_SOT_BARRIER      the moves that change the source of truth do not wait for the barrier. Passes (the fences
 *                       make it redundant); not part of check.sh's default run.
 *   NO_R1               repair copies from the current phase's source of truth. Passes with the fences: invariant 3
 *                       shows every entry is ahead on that side anyway. With NO_FENCE it fails, as NO_FENCE does.
 *   NO_DELETES          writes never delete.
 *   NO_VERIFIER         no verification besides the re-sync's (to isolate the findings against NO_FENCE).
 *   WITNESS=n           turns reachable point n (see SEE below) into an assertion, to show that it is reached.
 *   NK, NI, MAXW, MAXMOVES, MAXOUT   keys (1-2), instances (2-3), writes, versions (moves), outages.
 *
 * Abstractions
 *   - Values are write ids: 0 is "absent", HIST the value key 0 had before the migration (key 1 starts absent),
 *     1..MAXW the writes in the order they are issued. A delete writes 0.
 *   - Each database transaction of the protocol is one atomic step. A step that reads one side under a share
 *     lock and writes the other (the copy, the repair, a backfill chunk) is one step: the lock keeps every writer
 *     whose primary is the locked side out, so the value read is still the side's value when the other side is
 *     written, and the other side's writers are ordered by its own row lock. Steps an operation takes one after
 *     another (gate evaluation, then the phase's commit; a write's primary commit, then its copy; each step of a
 *     handover) are separate, and every other process may run between them.
 *   - The barrier: an instance refreshes only between two writes, so the version it caches is the version its
 *     write in flight (if any) was routed by, which is the version it "applies". An instance with several threads
 *     is several of these. Every instance is live; crashes and the registry's time-out are not modelled.
 *   - Gates other than the barrier, R2 and R3: BACKFILL -> READ_NEW needs the backfill done, both sides equal on
 *     every key (the full verification after the copy, taken as exact at the moment the gates are evaluated) and
 *     an empty ledger; READ_NEW -> DROP_OLD needs an empty ledger. Shadow reads, soak times, forcing are left out.
 *   - The backfill copies one key per chunk while the stored phase is BACKFILL; DUAL_WRITE -> OLD_ONLY makes it
 *     start afresh. The verifier, besides the re-sync, may compare any key at any moment of a two-sided phase.
 *
 * Trails: every step prints a line starting with "@" (spin -t ... | grep @). Phases are numbered 0 OLD_ONLY,
 * 1 DUAL_WRITE, 2 BACKFILL, 3 READ_NEW, 4 DROP_OLD; sides 0 OLD, 1 NEW; vN is a phase version.
 */

#ifndef NK
#define NK 1
#endif
#ifndef NI
#define NI 2
#endif
#ifndef MAXW
#define MAXW 3
#endif
#ifndef MAXMOVES
#define MAXMOVES 7
#endif
#ifndef MAXOUT
#define MAXOUT 2
#endif

/* phases */
#define OO 0   /* OLD_ONLY   */
#define DW 1   /* DUAL_WRITE */
#define BF 2   /* BACKFILL   */
#define RN 3   /* READ_NEW   */
#define DO 4   /* DROP_OLD   */

/* sides */
#define OLD 0
#define NEW 1
#define HIST 15

#define SOT(p)  ((p) >= RN -> NEW : OLD)          /* source of truth: read, and written first */
#define TWO(p)  ((p) >= DW && (p) <= RN)          /* the phase writes both sides */
#define V(s,k)  val[(s)*NK + (k)]                 /* the value side s holds for key k */
#define L(s,k)  led[(s)*NK + (k)]                 /* side s's ledger holds the entry (k, ahead = s) */

/* ---- state ---- */

/* the stored phase; ver counts the moves */
byte phase = OO;
byte ver = 0;
byte pph = OO;        /* the phase before the last move */
/* each instance's cache: the phase it routes by and its version, the version it applies */
byte cph[NI];
byte cver[NI];
/* the two databases: values, ledgers (one entry per key and side), and the fences */
byte val[2*NK];
bool led[2*NK];
bool up[2];
/* Fences, a row in each side's database. A primary commit on side s (a write and its ledger entry, or a
   verification finding recorded in s's ledger) is refused unless routed by a version >= pf[s]; a copy into
   side s is refused unless the write it belongs to was routed by a version >= sf[s]. Never set under NO_FENCE. */
byte pf[2];
byte sf[2];
/* ghost: the latest acknowledged value of each key, in the order of the primary commits */
byte acked[NK];
/* bookkeeping */
byte nw = 0;          /* writes issued */
byte nout = 0;        /* outages so far */
bool copied[NK];      /* the backfill copied key k in its current run */
byte rs = 0;          /* re-sync: 0 none or completed, 1 waiting for the barrier, 2 verifying, 3 draining */
byte rsk = 0;         /* the next key the re-sync verifies */
/* ghosts for the witnesses only */
bool rsrec = false;   /* the current re-sync recorded a key */
bool rtrip = false;   /* the migration went back to OLD_ONLY at some point */

/* ---- the rules, and their removal by the variants ---- */

#if NI == 2
#define BARRIER (cver[0] == ver && cver[1] == ver)
#else
#define BARRIER (cver[0] == ver && cver[1] == ver && cver[2] == ver)
#endif

#if NK == 1
#define NOLED(s)  (!L(s,0))
#define ALLEQ     (V(OLD,0) == V(NEW,0))
#define BFDONE    (copied[0])
#else
#define NOLED(s)  (!L(s,0) && !L(s,1))
#define ALLEQ     (V(OLD,0) == V(NEW,0) && V(OLD,1) == V(NEW,1))
#define BFDONE    (copied[0] && copied[1])
#endif

#ifdef NO_RESYNC_RULE
#define R3 true
#else
#define R3 (rs == 0)                /* R3: no move back from READ_NEW while a re-sync is under way */
#endif
#ifdef NO_SOT_BARRIER
#define SOTBARRIER true
#else
#define SOTBARRIER BARRIER
#endif
#ifdef NO_RESYNC_BARRIER
#define RSBARRIER true
#else
#define RSBARRIER BARRIER
#endif
#ifdef NO_FENCE
#define R2(x) NOLED(x)              /* R2 as described: a gate, evaluated before the commit */
#else
#define R2(x) true                  /* R2 in the fenced handover: the drain after the fences (DRAINED) */
#endif
#ifdef NO_PRIMARY_FENCE
#define PF(x) skip
#else
#define PF(x) pf[x] = ver + 1
#endif
#ifdef NO_COPY_FENCE
#define SF(y) skip
#else
#define SF(y) sf[y] = ver + 1
#endif
#ifdef NO_DRAIN
#define DRAINED(x) true
#else
#define DRAINED(x) NOLED(x)
#endif

#define GATES printf("@ gates of %d -> %d pass (v%d)\n", phase, to, ver)

#ifdef WITNESS
#define SEE(n) assert(WITNESS != n)
#else
#define SEE(n) skip
#endif

/* ---- the invariants ---- */

/* 1. The latest acknowledged value of key k is held by the current source of truth, or by a side whose ledger
      marks it as ahead for k (so the repair will bring it over). */
#define HELD(k)  (V(SOT(phase),k) == acked[k] || (L(OLD,k) && V(OLD,k) == acked[k]) || (L(NEW,k) && V(NEW,k) == acked[k]))
/* 2. When the source of truth moves from x to y, y holds the latest acknowledged value of k, or x holds it and is
      ahead-ledgered for k (the formulation of the brief) ... */
#define TAKES(x,y,k)  (V(y,k) == acked[k] || (L(x,k) && V(x,k) == acked[k]))
/* 2s ... and, with the fences, strictly: y holds it. */
#define TAKESS(y,k)   (V(y,k) == acked[k])
/* 3. (fenced protocol) Every ledger entry marks the current source of truth as ahead. */
#define SOTLED(k)     ((!L(OLD,k) || SOT(phase) == OLD) && (!L(NEW,k) || SOT(phase) == NEW))
#if NK == 1
#define INV1       (HELD(0))
#define INV2(x,y)  (TAKES(x,y,0))
#define INV2S(y)   (TAKESS(y,0))
#define INV3       (SOTLED(0))
#else
#define INV1       (HELD(0) && HELD(1))
#define INV2(x,y)  (TAKES(x,y,0) && TAKES(x,y,1))
#define INV2S(y)   (TAKESS(y,0) && TAKESS(y,1))
#define INV3       (SOTLED(0) && SOTLED(1))
#endif

/* ---- processes ---- */

proctype Instance(byte i) {
  byte k, p, pri, w;
  bool ok;
end_idle:
  do
  :: atomic {
       (cph[i] != phase || cver[i] != ver) ->
       cph[i] = phase; cver[i] = ver;
       printf("@ I%d refreshes: phase %d v%d\n", i, phase, ver)
     }
  :: atomic {
       nw < MAXW ->
       nw++;
#ifdef NO_DELETES
       w = nw;
#else
       if
       :: w = nw
       :: w = 0            /* a delete: a write of "absent" */
       fi;
#endif
       select (k : 0 .. NK-1);
       p = cph[i];
       pri = SOT(p);
       /* The primary commit: the value and, if the phase writes two sides, the ledger entry (k, ahead = the
          primary), in one transaction on the primary. That commit acknowledges the write. */
       if
       :: up[pri] && cver[i] >= pf[pri] ->
          V(pri,k) = w;
          acked[k] = w;
          printf("@ I%d (phase %d v%d) commits write #%d of key %d (value %d) on side %d\n", i, p, cver[i], nw, k, w, pri);
          if
          :: TWO(p) -> L(pri,k) = true; ok = true
          :: else -> ok = false
          fi;
          if
          :: p == DO && phase == RN -> SEE(7)      /* a DROP_OLD write after DROP_OLD -> READ_NEW */
          :: else -> skip
          fi
       :: !up[pri] -> ok = false; printf("@ I%d write #%d fails: side %d is down\n", i, nw, pri)
       :: up[pri] && cver[i] < pf[pri] ->
          ok = false;
          printf("@ I%d write #%d refused by the fence on side %d\n", i, nw, pri);
          SEE(2)
       fi;
       w = 0; p = 0
     }
     /* The copy: a new transaction on the primary reads the key under a share lock, writes the value it read
        to the other side, and deletes the ledger entry. If a side is down nothing changes. */
     atomic {
       if
       :: ok && up[OLD] && up[NEW] && cver[i] >= sf[1-pri] ->
          V(1-pri,k) = V(pri,k);
          printf("@ I%d copies key %d: side %d -> side %d (value %d)\n", i, k, pri, 1-pri, V(pri,k));
          if
          :: L(pri,k) = false
          :: nout < MAXOUT ->     /* the primary goes down before this transaction commits: the entry stays */
             up[pri] = false; nout++;
             printf("@ side %d down before the copy's commit on it; the entry stays\n", pri)
          fi
       :: ok && !(up[OLD] && up[NEW]) ->
          printf("@ I%d copy of key %d fails (a side is down); the entry (key %d, ahead %d) stays\n", i, k, k, pri)
       :: ok && up[OLD] && up[NEW] && cver[i] < sf[1-pri] ->
          printf("@ I%d copy of key %d refused by the fence on side %d; the entry stays\n", i, k, 1-pri);
          SEE(3)
       :: else -> skip
       fi;
       k = 0; pri = 0; ok = false
     }
  od
}

active proctype Outages() {
end_out:
  do
  :: atomic { nout < MAXOUT && up[OLD] -> up[OLD] = false; nout++; printf("@ OLD down\n") }
  :: atomic { nout < MAXOUT && up[NEW] -> up[NEW] = false; nout++; printf("@ NEW down\n") }
  :: atomic { !up[OLD] -> up[OLD] = true; printf("@ OLD up\n") }
  :: atomic { !up[NEW] -> up[NEW] = true; printf("@ NEW up\n") }
  od
}

/* Repair of the entry (k, ahead = s): copy the key from s (R1) to the other side and remove the entry. */
inline repair(s, k) {
  atomic {
    L(s,k) && up[OLD] && up[NEW] ->
#ifdef NO_R1
    src = SOT(phase);
#else
    src = s;
#endif
    V(1-src,k) = V(src,k);
    printf("@ repair of the entry (key %d, ahead %d): side %d -> side %d (value %d)\n", k, s, src, 1-src, V(src,k));
    L(s,k) = false;
    src = 0
  }
}

active proctype Repairer() {
  byte src;
end_rep:
  do
  :: repair(OLD, 0)
  :: repair(NEW, 0)
#if NK == 2
  :: repair(OLD, 1)
  :: repair(NEW, 1)
#endif
  od
}

/* The commit of a move: a compare-and-set on the version, which Control, the only mover, always wins. */
inline commit(target) {
  atomic {
    printf("@ MOVE %d -> %d (v%d)\n", phase, target, ver + 1);
    if
    :: SOT(phase) != SOT(target) ->
       if
       :: !INV2(SOT(phase), SOT(target)) ->
          printf("@ VIOLATION of invariant 2: the source of truth moves to side %d, which lacks the latest acknowledged write, and side %d is not ahead-ledgered\n", SOT(target), SOT(phase));
          assert(false)
       :: else -> skip
       fi;
#ifndef NO_FENCE
       if
       :: !INV2S(SOT(target)) ->
          printf("@ VIOLATION of invariant 2s: the source of truth moves to side %d, which lacks the latest acknowledged write\n", SOT(target));
          assert(false)
       :: else -> skip
       fi;
#endif
       if
       :: SOT(target) == OLD && rsrec -> SEE(1)   /* back to OLD after a re-sync that found keys */
       :: SOT(target) == NEW && rtrip -> SEE(6)   /* READ_NEW again after a trip back to OLD_ONLY */
       :: else -> skip
       fi
    :: else -> skip
    fi;
    if
    :: phase == DW && target == OO ->             /* the copy is stale; the next BACKFILL copies afresh */
       copied[0] = false;
#if NK == 2
       copied[1] = false;
#endif
       rtrip = true
    :: else -> skip
    fi;
    if
    :: phase == DO && target == RN -> rs = 1; rsk = 0; rsrec = false   /* the durable re-sync starts */
    :: phase == RN && target != RN -> rs = 0; rsk = 0                  /* leaving READ_NEW abandons it */
    :: else -> skip
    fi;
    pph = phase;
    phase = target;
    ver++;
    to = 0; hs = 0
  }
}

/*
 * A move that changes the source of truth from x to y, once its gates passed at version ver.
 *   NO_FENCE (as described): R2 was one of the gates; commit.
 *   Fenced: 1. fence x: no primary commit on x by anything routed by version <= ver;
 *           2. fence y: no copy into y by a write routed by version <= ver;
 *           3. wait until the repairer drained every entry ahead on x (R2);
 *           4. commit.
 *   Until the commit the move can be given up: before any fence, nothing happened; after one, the same phase is
 *   committed again at a new version, which the fences let through (the move was refused).
 */
inline handover(x, y) {
#ifdef NO_FENCE
  commit(to)
#else
  hs = 1;
  do
  :: atomic { hs == 1 && up[x] -> PF(x); hs = 2; printf("@ fence on side %d: primary commits routed by v%d or older refused\n", x, ver) }
  :: atomic { hs == 2 && up[y] -> SF(y); hs = 3; printf("@ fence on side %d: copies routed by v%d or older refused\n", y, ver) }
  :: atomic { hs == 3 && DRAINED(x) -> skip }; commit(to); break
  :: atomic { hs == 1 -> hs = 0; to = 0; printf("@ move given up before any fence\n") }; break
  :: atomic { hs >= 2 -> to = phase; printf("@ move given up: phase %d again\n", phase); SEE(4) }; commit(to); break
  od
#endif
}

/* A backfill chunk of one key: OLD read under a share lock, inserted into NEW if NEW does not have it. */
inline bfcopy(k) {
  atomic {
    phase == BF && !copied[k] && up[OLD] && up[NEW] ->
    if
    :: V(NEW,k) == 0 && V(OLD,k) != 0 -> V(NEW,k) = V(OLD,k); printf("@ backfill copies key %d (value %d)\n", k, V(OLD,k))
    :: else -> skip                 /* NEW has the key, or OLD does not: nothing to insert */
    fi;
    copied[k] = true
  }
}

/* The verifier compares a key and records a difference in the ledger of the source of truth of the phase it
   read, with ahead = that side. It read the phase before it compared, so that phase is the current one or the one
   before the last move (pph, version ver - 1). A finding is a ledger record on that side, so that side's primary
   fence applies to it. */
inline verify(k) {
  atomic {
    up[OLD] && up[NEW] && V(OLD,k) != V(NEW,k) ->
    if
    :: TWO(phase) && !L(SOT(phase),k) && ver >= pf[SOT(phase)] ->
       L(SOT(phase),k) = true;
       printf("@ verification (phase %d v%d) records (key %d, ahead %d)\n", phase, ver, k, SOT(phase))
    :: ver > 0 && TWO(pph) && !L(SOT(pph),k) && ver - 1 >= pf[SOT(pph)] ->
       L(SOT(pph),k) = true;
       printf("@ verification (phase %d v%d, read before the last move) records (key %d, ahead %d)\n", pph, ver - 1, k, SOT(pph));
       SEE(5)
    :: else -> skip
    fi
  }
}

active proctype Control() {
  byte to, hs;
end_ctl:
  do
  /* forward moves: each waits for the barrier */
  :: atomic { ver < MAXMOVES && phase == OO && BARRIER -> to = DW; GATES }; commit(to)
  :: atomic { ver < MAXMOVES && phase == DW && BARRIER -> to = BF; GATES }; commit(to)
  :: atomic { ver < MAXMOVES && phase == BF && SOTBARRIER && R2(OLD) && BFDONE && ALLEQ && NOLED(OLD) && NOLED(NEW) -> to = RN; GATES };
     handover(OLD, NEW)
  :: atomic { ver < MAXMOVES && phase == RN && BARRIER && NOLED(OLD) && NOLED(NEW) -> to = DO; GATES }; commit(to)
  /* moves back: the barrier where the source of truth changes, and R3 out of READ_NEW */
  :: atomic { ver < MAXMOVES && phase == DW -> to = OO; GATES }; commit(to)
  :: atomic { ver < MAXMOVES && phase == BF -> to = DW; GATES }; commit(to)
  :: atomic { ver < MAXMOVES && phase == RN && SOTBARRIER && R2(NEW) && R3 -> to = BF; GATES }; handover(NEW, OLD)
  :: atomic { ver < MAXMOVES && phase == RN && SOTBARRIER && R2(NEW) && R3 -> to = DW; GATES }; handover(NEW, OLD)
  :: atomic { ver < MAXMOVES && phase == DO -> to = RN; GATES }; commit(to)
  /* the backfill */
  :: bfcopy(0)
#if NK == 2
  :: bfcopy(1)
#endif
  /* the verifier */
#ifndef NO_VERIFIER
  :: verify(0)
#if NK == 2
  :: verify(1)
#endif
#endif
  /* the re-sync after DROP_OLD -> READ_NEW: the barrier, a full verification (ahead = NEW), the drain */
  :: atomic { rs == 1 && RSBARRIER -> rs = 2; printf("@ re-sync: barrier passed, verifying\n") }
  :: atomic {
       rs == 2 && up[OLD] && up[NEW] ->
       if
       :: V(OLD,rsk) != V(NEW,rsk) ->
          L(NEW,rsk) = true; rsrec = true;
          printf("@ re-sync records (key %d, ahead NEW)\n", rsk)
       :: else -> skip
       fi;
       rsk++;
       if
       :: rsk == NK -> rs = 3; rsk = 0
       :: else -> skip
       fi
     }
  :: atomic { rs == 3 && NOLED(NEW) -> rs = 0; printf("@ re-sync completed\n") }
  od
}

/* Invariants 1 and 3, in every reachable state. */
active proctype Monitor() {
end_mon:
  if
  :: atomic {
       !(INV1) ->
       printf("@ VIOLATION of invariant 1: the latest acknowledged write of a key is lost\n");
       assert(false)
     }
#ifndef NO_FENCE
  :: atomic {
       !(INV3) ->
       printf("@ VIOLATION of invariant 3: a ledger entry marks a side other than the source of truth as ahead\n");
       assert(false)
     }
#endif
  fi
}

init {
  atomic {
    up[OLD] = true;
    up[NEW] = true;
    V(OLD,0) = HIST;
    acked[0] = HIST;
    run Instance(0);
    run Instance(1);
#if NI == 3
    run Instance(2);
#endif
  }
}
