import { retrievability, type MemoryState } from '../scheduling/fsrs.ts';

export interface MasteryCard extends Pick<MemoryState, 'state' | 'stability' | 'lastReview'> {
  questionId: string;
  suspended: boolean;
  hidden: boolean;
}

export interface StateCounts {
  new: number;
  /** Learning and relearning together: cards still in short steps. */
  learning: number;
  review: number;
  suspended: number;
}

export interface GroupMastery {
  key: string;
  /** Mean recall over active cards at the given time; a never-studied card counts 0. */
  mastery: number;
  /** Studied active cards over all active cards. */
  coverage: number;
  total: number;
  counts: StateCounts;
}

/** What grouping needs to know about a question; bank and own questions answer alike. */
export interface QuestionFacts {
  technology: string;
  topic: string;
  level: string;
}
export type QuestionLookup = (questionId: string) => QuestionFacts | undefined;

/** Running sums for one group, filled card by card so every grouping shares one pass. */
class Tally {
  sum = 0;
  active = 0;
  studied = 0;
  counts: StateCounts = { new: 0, learning: 0, review: 0, suspended: 0 };

  /** `recall` is the card's R at the report time (0 for new cards); ignored for suspended ones. */
  add(card: MasteryCard, recall: number): void {
    if (card.suspended) {
      this.counts.suspended++;
      return;
    }
    this.active++;
    if (card.state === 0) {
      this.counts.new++;
      return;
    }
    this.studied++;
    this.sum += recall;
    if (card.state === 2) this.counts.review++;
    else this.counts.learning++;
  }

  result(key: string): GroupMastery {
    return {
      key,
      mastery: this.active ? this.sum / this.active : 0,
      coverage: this.active ? this.studied / this.active : 0,
      total: this.active,
      counts: this.counts,
    };
  }
}

function tallyOf(groups: Map<string, Tally>, key: string): Tally {
  let tally = groups.get(key);
  if (!tally) {
    tally = new Tally();
    groups.set(key, tally);
  }
  return tally;
}

const weakestFirst = (a: GroupMastery, b: GroupMastery) => a.mastery - b.mastery || a.key.localeCompare(b.key);

function results(groups: Map<string, Tally>): GroupMastery[] {
  return [...groups].map(([key, tally]) => tally.result(key)).sort(weakestFirst);
}

/**
 * Mastery per group (topic, technology, level…) at time `at`. Suspended cards are
 * counted but do not weigh on mastery or coverage; hidden cards are left out.
 * Sorted weakest first.
 */
export function masteryBy(cards: Iterable<MasteryCard>, groupOf: (card: MasteryCard) => string | undefined, at: number): GroupMastery[] {
  const groups = new Map<string, Tally>();
  for (const card of cards) {
    if (card.hidden) continue;
    const key = groupOf(card);
    if (key === undefined) continue;
    tallyOf(groups, key).add(card, card.suspended ? 0 : retrievability(card, at));
  }
  return results(groups);
}

export interface TopicMastery extends GroupMastery {
  technology: string;
  topic: string;
}

export interface MasteryReport {
  overall: GroupMastery;
  /** Weakest first. */
  technologies: GroupMastery[];
  /** Every topic of every technology, weakest first. */
  topics: TopicMastery[];
  /** Weakest first. */
  levels: GroupMastery[];
}

/** A topic's group key; topics are only unique within a technology. */
export function topicKey(technology: string, topic: string): string {
  return `${technology}\u0000${topic}`;
}

/**
 * Mastery per technology, per topic within technology, per level and overall, at each
 * time in `times` (e.g. now and the interview day), from one pass over the cards.
 * Cards whose question the lookup does not know are left out, like hidden ones.
 */
export function masteryReports(cards: Iterable<MasteryCard>, lookup: QuestionLookup, times: readonly number[]): MasteryReport[] {
  const perTime = times.map(() => ({
    overall: new Tally(),
    technologies: new Map<string, Tally>(),
    topics: new Map<string, Tally>(),
    levels: new Map<string, Tally>(),
  }));
  const topicNames = new Map<string, { technology: string; topic: string }>();
  let lastQuestionId: string | undefined;
  let facts: QuestionFacts | undefined;
  /** Per time: the question's overall, technology, topic and level tallies. */
  let groups: Tally[][] = [];
  for (const card of cards) {
    if (card.hidden) continue;
    // Cards of one question usually sit side by side: look each question and its groups up once.
    if (card.questionId !== lastQuestionId) {
      lastQuestionId = card.questionId;
      facts = lookup(card.questionId);
      if (facts) {
        const topicId = topicKey(facts.technology, facts.topic);
        if (!topicNames.has(topicId)) topicNames.set(topicId, { technology: facts.technology, topic: facts.topic });
        const f = facts;
        groups = perTime.map((sums) => [sums.overall, tallyOf(sums.technologies, f.technology), tallyOf(sums.topics, topicId), tallyOf(sums.levels, f.level)]);
      }
    }
    if (!facts) continue;
    const studied = !card.suspended && card.state !== 0;
    for (let i = 0; i < times.length; i++) {
      const recall = studied ? retrievability(card, times[i]!) : 0;
      for (const tally of groups[i]!) tally.add(card, recall);
    }
  }
  return perTime.map((sums) => ({
    overall: sums.overall.result('all'),
    technologies: results(sums.technologies),
    topics: results(sums.topics).map((g) => ({ ...g, ...topicNames.get(g.key)! })),
    levels: results(sums.levels),
  }));
}

/** The report at one time. */
export function masteryReport(cards: Iterable<MasteryCard>, lookup: QuestionLookup, at: number): MasteryReport {
  return masteryReports(cards, lookup, [at])[0]!;
}
