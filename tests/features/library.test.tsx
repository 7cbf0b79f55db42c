import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { selectionFromParams, selectionToParams } from '../../src/core/bank/selection.ts';
import { createOwnQuestion, type OwnQuestionInput } from '../../src/db/library-repo.ts';
import type { CustomQuestionRow } from '../../src/db/database.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let clock: number;
let n = 0;

beforeEach(() => {
  db = openDatabase(`library-${++n}`);
  clock = T0;
});

async function open(path: string) {
  const user = userEvent.setup();
  render(<App db={db} now={() => clock} initialPath={path} />);
  await screen.findByRole('heading', { level: 1 }, { timeout: 20_000 });
  return user;
}

const ownInput = (title: string, answer: string, technology: OwnQuestionInput['technology'] = 'python'): OwnQuestionInput => ({
  title, technology, topic: 'Company specifics', level: 'intermediate', difficulty: 5, tags: [], answer,
  keyPoints: ['First', 'Second', 'Third'], deepExplanation: 'Deeper.', realWorldExample: 'Example.',
  commonMistakes: ['**One.** a', '**Two.** b', '**Three.** c'], productionScenario: 'Scenario.', followUps: ['Why?', 'How?'],
});
const status = () => screen.getByRole('status').textContent;
const resultLinks = () => screen.queryAllByRole('link').filter((a) => a.className.includes('result-link'));

const resultTitles = () => within(screen.getByRole('list', { name: '' })).queryAllByRole('link').map((a) => a.textContent);

describe('the Library', () => {
  it('names no key in the search box placeholder (a touch screen has none); the / hint is marked keyboard-only', async () => {
    await open('/library');
    const box = screen.getByRole('searchbox', { name: 'Search questions' });
    expect(box.getAttribute('placeholder')).not.toMatch(/press|\//i);
    const hint = box.closest('label')!.querySelector('kbd')!;
    expect(hint).toHaveTextContent('/');
    expect(hint).toHaveClass('key-only');
  });

  it('combines search with technology, level and difficulty filters', async () => {
    const user = await open('/library');
    await screen.findByText(/\d+ questions/);
    const all = Number(/(\d+) questions/.exec(screen.getByRole('status').textContent ?? '')![1]);
    expect(all).toBeGreaterThanOrEqual(54);

    await user.selectOptions(screen.getByLabelText('Technology'), 'python');
    await user.selectOptions(screen.getByLabelText('Level'), 'advanced');
    const links = () => screen.getAllByRole('link').filter((a) => a.className.includes('result-link'));
    expect(links().length).toBeGreaterThanOrEqual(5);
    for (const row of screen.getAllByRole('listitem')) expect(row.textContent).toMatch(/Python.*advanced/i);

    await user.type(screen.getByLabelText('Search questions'), 'asyncio');
    await waitFor(() => expect(links().length).toBeGreaterThan(0));
    // The best match leads (the bank grows, so other questions that mention asyncio may follow), and the filters still hold.
    expect(links()[0]!.textContent).toMatch(/asyncio/i);
    for (const row of screen.getAllByRole('listitem')) expect(row.textContent).toMatch(/Python.*advanced/i);
    // The matched word is highlighted in a title or its snippet.
    expect(screen.getAllByText((_, el) => el?.tagName === 'MARK' && /asyncio/i.test(el.textContent ?? '')).length).toBeGreaterThan(0);

    await user.selectOptions(screen.getByLabelText('Minimum difficulty'), '10');
    await waitFor(() => expect(screen.getByText('No question matches. Clear a filter or try other words.')).toBeInTheDocument());
  });

  it('keeps filters and the query in the URL so a view can be bookmarked', () => {
    const params = new URLSearchParams('q=rag&technology=llm&level=intermediate&topic=Retrieval+%26+RAG&min=4&max=6&flagged=1');
    const selection = selectionFromParams(params);
    expect(selection).toEqual({ q: 'rag', technology: 'llm', level: 'intermediate', topic: 'Retrieval & RAG', minDifficulty: 4, maxDifficulty: 6, flagged: true });
    expect(selectionFromParams(selectionToParams(selection))).toEqual(selection);
    // Nonsense in a shared link is ignored rather than trusted.
    expect(selectionFromParams(new URLSearchParams('technology=cobol&min=99&level=guru'))).toEqual({});
  });

  it('offers to study exactly the questions a typed query finds', async () => {
    const user = await open('/library');
    await screen.findByText(/\d+ questions/);
    await user.type(screen.getByLabelText('Search questions'), 'decorator');
    await waitFor(() => expect(status()).toMatch(/^\d+ questions?$/));
    expect(screen.getByRole('link', { name: 'Study these' }).getAttribute('href')).toBe('/review?q=decorator');
  });

  it('opens a filtered view straight from its URL', async () => {
    await open('/library?technology=ml&topic=Model+Evaluation');
    await screen.findByText(/\d+ questions?/);
    expect(screen.getByLabelText('Technology')).toHaveValue('ml');
    expect(screen.getByLabelText('Topic')).toHaveValue('Model Evaluation');
    for (const row of screen.getAllByRole('listitem')) expect(row.textContent).toContain('Model Evaluation');
  });

  it('explains what is missing when an own question is incomplete, and saves nothing', async () => {
    const user = await open('/library/new');
    await user.type(screen.getByLabelText('Question'), 'How does our payment retry queue avoid double charges?');
    await user.type(screen.getByLabelText('Key points'), 'Idempotency keys');
    await user.click(screen.getByRole('button', { name: 'Add question' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Topic: topic is empty');
    expect(alert).toHaveTextContent('Answer: Answer is empty');
    expect(alert).toHaveTextContent('Key points: Key points needs at least 3 items');
    expect(alert).toHaveTextContent('Follow-up questions: Follow-up questions needs at least 2 items');
    expect(await db.customQuestions.count()).toBe(0);
  });

  it('adds an own question that shows in the Library with an Own mark and gets two new cards', async () => {
    const user = await open('/library/new');
    const fill = async (label: string, text: string) => user.type(screen.getByLabelText(label), text);
    await fill('Question', 'How would you shard our events table?');
    await fill('Topic', 'System Design');
    await user.clear(screen.getByLabelText('Difficulty (1–10)'));
    await fill('Difficulty (1–10)', '5');
    await fill('Answer', 'By tenant id with consistent hashing.');
    await fill('Key points', 'Shard key{Enter}Hot spots{Enter}Rebalancing');
    await fill('Deep explanation', 'Why the key matters.');
    await fill('Real-world example', 'Our events table.');
    await fill('Common mistakes', '**Time as key.** Hot shard.{Enter}**No plan to rebalance.** Pain.{Enter}**Cross-shard joins.** Slow.');
    await fill('Production scenario', 'One tenant grows 100x.');
    await fill('Follow-up questions', 'How do you reshard online?{Enter}What about global indexes?');
    await user.click(screen.getByRole('button', { name: 'Add question' }));
    await screen.findByRole('heading', { level: 1, name: 'How would you shard our events table?' });
    expect(screen.getAllByText('Own').length).toBeGreaterThan(0);
    const [own] = await db.customQuestions.toArray();
    expect(await db.cards.where('questionId').equals(own!.id).count()).toBe(2);
  });

  it('saves a personal note as you type', async () => {
    const user = await open('/library/py-context-managers');
    await user.type(screen.getByRole('textbox', { name: 'Your note' }), 'Mention ExitStack');
    await waitFor(async () => expect((await db.notes.get('py-context-managers'))?.text).toBe('Mention ExitStack'), { timeout: 20_000 });
    expect(await screen.findByText('Note saved.')).toBeInTheDocument();
  });

  it('flags, suspends and resets a question from its page', async () => {
    const user = await open('/library/py-context-managers');
    await user.click(screen.getByRole('button', { name: 'Flag' }));
    await waitFor(async () => expect(await db.flags.get('py-context-managers')).toBeTruthy());
    await user.click(screen.getByRole('button', { name: 'Suspend' }));
    await waitFor(async () => expect((await db.cards.where('questionId').equals('py-context-managers').toArray()).every((c) => c.suspended)).toBe(true));
    await user.click(await screen.findByRole('button', { name: 'Unsuspend' }));
    await user.click(screen.getByRole('button', { name: 'Reset progress' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Start this question’s cards over as new?');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('finds an own question by its new words right after it is edited, without a reload', async () => {
    const created = await createOwnQuestion(db, ownInput('How do we page the on-call engineer?', 'Through the pager rotation.'), clock);
    if (!created.ok) throw new Error(created.errors.join());
    const user = await open('/library');
    await screen.findByText(/\d+ questions/);
    await user.type(screen.getByLabelText('Search questions'), 'quokka');
    await screen.findByText('No question matches. Clear a filter or try other words.');

    // Edited in the form: the Library learns the new words when it opens again.
    clock += 60_000;
    await user.clear(screen.getByLabelText('Search questions'));
    await user.type(screen.getByLabelText('Search questions'), 'on-call');
    await user.click(await screen.findByRole('link', { name: /How do we page the on-call engineer/ }));
    await user.click(await screen.findByRole('link', { name: 'Edit' }));
    await screen.findByRole('button', { name: 'Save changes' });
    await user.clear(screen.getByLabelText('Answer'));
    await user.type(screen.getByLabelText('Answer'), 'A quokka rota decides who is paged.');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByRole('heading', { level: 1, name: 'How do we page the on-call engineer?' });
    await user.click(screen.getByRole('link', { name: 'Library' }));
    await screen.findByRole('heading', { level: 1, name: 'Library' });
    await user.type(await screen.findByLabelText('Search questions'), 'quokka');
    await waitFor(() => expect(resultLinks().map((a) => a.textContent)).toEqual(['How do we page the on-call engineer?']));
    // The snippet shows the new answer with the word marked.
    expect(screen.getAllByText((_, el) => el?.tagName === 'MARK' && /quokka/i.test(el.textContent ?? '')).length).toBeGreaterThan(0);

    // Deleted elsewhere (another tab): it leaves the results while the Library stays open.
    await db.customQuestions.delete(created.value.id);
    await screen.findByText('No question matches. Clear a filter or try other words.');
  });

  it('opens the edit form on the stored question, never on an empty "New question", and keeps what is typed', async () => {
    const created = await createOwnQuestion(db, ownInput('Why does a full disk refuse writes?', 'The quota is spent.'), clock);
    if (!created.ok) throw new Error(created.errors.join());
    const user = await open(`/library/${created.value.id}/edit`);
    // Until the question is read, no form to type into: nothing loaded later can overwrite typing.
    expect(screen.queryByRole('heading', { name: 'New question' })).toBeNull();
    const title = await screen.findByLabelText('Question');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Edit your question');
    expect(title).toHaveValue('Why does a full disk refuse writes?');
    await user.clear(title);
    await user.type(title, 'An edited title');
    // Another tab saves the same question meanwhile: the form keeps the learner's words.
    await db.customQuestions.update(created.value.id, { answer: 'Changed elsewhere.' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByLabelText('Question')).toHaveValue('An edited title');
    expect(screen.getByLabelText('Answer')).toHaveValue('The quota is spent.');
  });

  it('counts every match when a search finds more questions than one page shows', async () => {
    const rows: CustomQuestionRow[] = Array.from({ length: 240 }, (_, i) => ({
      ...ownInput(`Quokka capacity question number ${i}`, `Quokka answer ${i}.`, i % 3 === 0 ? 'ml' : 'python'),
      id: `own-quokka-${i}`,
      createdAt: clock,
      updatedAt: clock,
    }));
    await db.customQuestions.bulkAdd(rows);
    const user = await open('/library');
    await screen.findByText(/\d+ questions/);
    await user.type(screen.getByLabelText('Search questions'), 'quokka');
    await waitFor(() => expect(status()).toBe('240 questions'));
    expect(resultLinks()).toHaveLength(30);
    await user.click(screen.getByRole('button', { name: 'Show 30 more of 210' }));
    await waitFor(() => expect(resultLinks()).toHaveLength(60));
    expect(screen.getByRole('button', { name: 'Show 30 more of 180' })).toBeInTheDocument();

    // A filter narrows the count, not just the page.
    await user.selectOptions(screen.getByLabelText('Technology'), 'ml');
    await waitFor(() => expect(status()).toBe('80 questions'));
    expect(resultLinks()).toHaveLength(30);
    expect(screen.getByRole('button', { name: 'Show 30 more of 50' })).toBeInTheDocument();
  });
});
