import type { Hours } from '../../src/catalog.js';

/** The 3631 line: Monday to Friday 08:30–19:00, Saturday 08:30–13:00, Paris time. */
export const hours3631: Hours = {
  timeZone: 'Europe/Paris',
  weekly: {
    mon: ['08:30-19:00'],
    tue: ['08:30-19:00'],
    wed: ['08:30-19:00'],
    thu: ['08:30-19:00'],
    fri: ['08:30-19:00'],
    sat: ['08:30-13:00'],
  },
};
