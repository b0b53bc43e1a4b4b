import { describe, expect, it } from 'vitest';
import { cueConjunctions, cueGroups } from '../src/lexicon.ts';

const cues = (text: string) => {
  const groups = cueGroups(text);
  return [...groups, ...cueConjunctions(groups)];
};

// The cue groups are features for the trained model, not decisions; these check that each
// family is seen, in both languages, so a regex edit cannot silently drop one.
describe('intent cue groups', () => {
  it('tell a setting being changed from a visit being moved', () => {
    expect(cues('please change my notification preferences')).toContain('reschedule&admin');
    expect(cues('cambiar mi idioma a inglés')).toContain('reschedule&admin');
    expect(cues('change my appointment to Friday')).toContain('reschedule&object');
    expect(cues('change my appointment to Friday')).not.toContain('reschedule&admin');
  });

  it('read a vaccine by what comes with it', () => {
    expect(cues('my school needs my vaccine records')).toContain('vaccine&records');
    expect(cues('necesito el registro de vacunas de mi hijo')).toContain('vaccine&records');
    expect(cues('book a flu shot for Saturday')).toContain('vaccine&visit');
    expect(cues('is the shingles vaccine covered')).toContain('vaccine&insurance');
    expect(cues('is a sore arm normal after the vaccine')).toContain('vaccine&question');
    expect(cues('do you give shingles vaccines')).not.toContain('records');
  });

  it('see an insurer refusing to pay, a medicine by name and a dose question', () => {
    expect(cues('the insurance company denied my claim')).toContain('refused&insurance');
    expect(cues('la aseguranza no quiso pagar la ambulancia')).toContain('refused&insurance');
    expect(cues('running low on Lipitor')).toContain('medication');
    expect(cues('se me acabó la metformina')).toContain('medication');
    expect(cues('I forgot to take my pill, should I double up')).toContain('clinical&medicine');
    expect(cues('qué hago si se me olvidó la pastilla')).toContain('clinical&medicine');
  });

  it('keep questions about the assistant apart from asking for a person', () => {
    expect(cues('are you a bot?')).toContain('person&about');
    expect(cues('¿eres una máquina?')).toContain('about_assistant');
    expect(cues('talk to a person')).not.toContain('about_assistant');
  });

  it('find the soonest opening and getting someone seen', () => {
    for (const text of ['first available with any doctor', 'squeeze me in this week', 'can a doctor look at my knee', 'lo más pronto posible con cualquier médico', 'quiero llevar a mi hija a vacunar']) {
      expect(cueGroups(text)).toContain('schedule');
    }
  });

  it('see images on a disc as a records request', () => {
    expect(cueGroups('my MRI images on a CD please')).toContain('records');
    expect(cueGroups('las imágenes de la tomografía en una memoria usb')).toContain('records');
  });
});
