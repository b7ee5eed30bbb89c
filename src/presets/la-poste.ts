/**
 * La Poste / La Banque Postale: every channel a person can use, and every operation, in French
 * and English.
 *
 * The facts (which channel can do what, phone lines, limits) come from La Poste's and La Banque
 * Postale's public pages (https://www.laposte.fr, https://www.labanquepostale.fr) and the press.
 * What no official page confirmed is kept but named in `unverified`, with a `notes` text or a
 * comment saying why. What no source settles ("unknown") is left out of the routes, with a
 * comment where it would have been.
 *
 * Routes are in the order a person would be offered them: the first route is the normal way.
 * For what people do at the post office (stamps, postage, pickups, deposits) that is the counter,
 * so a counter outage such as the one of 9 April 2018 sends them on to the machines, the website
 * and the app.
 *
 * Data only: handlers are attached in code with `createRouter`.
 */
import { defineCatalog } from '../catalog.js';

const TZ = 'Europe/Paris';

/** Typical post office hours. They vary from one office to another: marked unverified. */
const OFFICE_HOURS = {
  timeZone: TZ,
  weekly: {
    mon: ['09:00-12:00', '14:00-17:30'],
    tue: ['09:00-12:00', '14:00-17:30'],
    wed: ['09:00-12:00', '14:00-17:30'],
    thu: ['09:00-12:00', '14:00-17:30'],
    fri: ['09:00-12:00', '14:00-17:30'],
    sat: ['09:00-12:00'],
  },
} as const;

const OFFICE_HOURS_VARY = {
  fr: "Horaires indicatifs : ils varient d'un bureau à l'autre. Vérifiez ceux de votre bureau.",
  en: "Typical hours only: they vary from one office to another. Check your office's hours.",
} as const;

export const laPoste = defineCatalog({
  // Its texts are French first; a person asking for another language gets French where English is missing.
  defaultLocale: 'fr',
  channels: {
    // ── At the post office ─────────────────────────────────────────────────────────────────
    counter: {
      kind: 'in-person',
      label: { fr: 'Guichet du bureau de poste', en: 'Post office counter' },
      hours: OFFICE_HOURS,
      dependsOn: ['counter-it'],
      notes: OFFICE_HOURS_VARY,
      unverified: ['hours'],
    },
    atm: {
      kind: 'self-service',
      label: { fr: 'Distributeur La Banque Postale', en: 'La Banque Postale cash machine (ATM)' },
      // No hours: available around the clock.
      dependsOn: ['atm-network'],
    },
    'postage-machine': {
      kind: 'self-service',
      label: { fr: "Automate d'affranchissement (bureau de poste)", en: 'Self-service postage machine (post office)' },
      // Inside the offices, so usable when the office is open; it kept working on 9 April 2018
      // while every counter terminal was down, hence no dependency on `counter-it`.
      hours: OFFICE_HOURS,
      notes: {
        fr: "Dans les bureaux de poste, aux heures d'ouverture du bureau, qui varient d'un bureau à l'autre.",
        en: 'Inside post offices, during the office opening hours, which vary from one office to another.',
      },
      unverified: ['hours'],
    },

    // ── Online ─────────────────────────────────────────────────────────────────────────────
    // One `web` channel for both sites. Consequence: an outage of `laposte-fr` alone (6 Feb 2024,
    // 19 Oct 2023) also takes banking on labanquepostale.fr out of service. Splitting it into
    // `web-bank` and `web-post` would be more precise; kept as one on purpose for now.
    web: {
      kind: 'digital',
      label: { fr: 'Site web (labanquepostale.fr, laposte.fr)', en: 'Website (labanquepostale.fr, laposte.fr)' },
      contact: { url: 'https://www.labanquepostale.fr' },
      dependsOn: ['online-banking', 'laposte-fr'],
      notes: {
        fr: 'La banque sur labanquepostale.fr ; le courrier et les colis sur laposte.fr (https://www.laposte.fr).',
        en: 'Banking on labanquepostale.fr; mail and parcels on laposte.fr (https://www.laposte.fr).',
      },
    },
    app: {
      kind: 'digital',
      label: { fr: 'Appli La Banque Postale / La Poste', en: 'La Banque Postale / La Poste app' },
      // No deep link: no public, documented scheme.
      dependsOn: ['online-banking'],
    },
    wero: {
      kind: 'digital',
      label: { fr: "Wero (virement instantané dans l'appli)", en: 'Wero (instant transfer in the app)' },
      // Kept working during the December 2025 DDoS while online banking and the app were down.
      dependsOn: ['wero-network'],
    },

    // ── By phone ───────────────────────────────────────────────────────────────────────────
    'phone-3639': {
      kind: 'phone',
      label: { fr: 'Service client La Banque Postale (3639)', en: 'La Banque Postale customer service (3639)' },
      contact: { phone: '3639' },
      // Hours not confirmed by any official page: a plausible guess, marked unverified.
      hours: {
        timeZone: TZ,
        weekly: {
          mon: ['08:00-20:00'],
          tue: ['08:00-20:00'],
          wed: ['08:00-20:00'],
          thu: ['08:00-20:00'],
          fri: ['08:00-20:00'],
          sat: ['08:00-12:00'],
        },
      },
      notes: {
        fr: "Depuis l'étranger : +33 1 45 45 36 39. Coût : « service gratuit + prix de l'appel » (non confirmé). Horaires non confirmés.",
        en: 'From abroad: +33 1 45 45 36 39. Cost: "free service + price of the call" (not confirmed). Hours not confirmed.',
      },
      unverified: ['hours', 'cost'],
    },
    'phone-3631': {
      kind: 'phone',
      label: { fr: 'Service client La Poste (3631)', en: 'La Poste customer service (3631)' },
      contact: { phone: '3631' },
      hours: {
        timeZone: TZ,
        weekly: {
          mon: ['08:30-19:00'],
          tue: ['08:30-19:00'],
          wed: ['08:30-19:00'],
          thu: ['08:30-19:00'],
          fri: ['08:30-19:00'],
          sat: ['08:30-13:00'],
        },
      },
      notes: {
        fr: "Courrier et colis. Depuis l'étranger : +33 810 821 821. Coût de l'appel non confirmé.",
        en: 'Mail and parcels. From abroad: +33 810 821 821. Call cost not confirmed.',
      },
      unverified: ['cost'],
    },
    'card-block-line': {
      kind: 'phone',
      label: { fr: "Ligne d'opposition carte La Banque Postale", en: 'La Banque Postale card-blocking line' },
      contact: { phone: '09 69 39 99 98' },
      // No hours: 24/7 in most sources, but one source says office hours (conflict).
      notes: {
        fr: "Depuis l'étranger : +33 9 69 39 99 98. Prix d'un appel normal. 24 h/24 et 7 j/7 selon la plupart des sources ; une source indique les heures de bureau seulement. Si personne ne répond : serveur interbancaire d'opposition 0 892 705 705 (24 h/24, numéro surtaxé).",
        en: 'From abroad: +33 9 69 39 99 98. Price of a normal call. 24/7 according to most sources; one source says office hours only. If no one answers: interbank card-blocking line 0 892 705 705 (24/7, premium rate).',
      },
      unverified: ['hours'],
    },

    // ── Elsewhere ──────────────────────────────────────────────────────────────────────────
    'relay-point': {
      kind: 'in-person',
      label: {
        fr: 'Point relais (agence postale communale, relais poste commerçant)',
        en: 'Relay point (village post agency, partner shop)',
      },
      // Hours vary by place: a typical guess, marked unverified.
      hours: {
        timeZone: TZ,
        weekly: {
          mon: ['09:00-12:00', '14:00-17:00'],
          tue: ['09:00-12:00', '14:00-17:00'],
          wed: ['09:00-12:00', '14:00-17:00'],
          thu: ['09:00-12:00', '14:00-17:00'],
          fri: ['09:00-12:00', '14:00-17:00'],
          sat: ['09:00-12:00'],
        },
      },
      notes: {
        fr: 'Horaires indicatifs : ils varient selon le lieu. Vérifiez sur place.',
        en: 'Typical hours only: they vary by place. Check locally.',
      },
      unverified: ['hours'],
    },
    tobacconist: {
      kind: 'in-person',
      label: { fr: 'Bureau de tabac', en: 'Tobacconist (bureau de tabac)' },
      // Hours vary by shop: a typical guess, marked unverified.
      hours: {
        timeZone: TZ,
        weekly: {
          mon: ['08:00-19:00'],
          tue: ['08:00-19:00'],
          wed: ['08:00-19:00'],
          thu: ['08:00-19:00'],
          fri: ['08:00-19:00'],
          sat: ['08:00-19:00'],
        },
      },
      notes: {
        fr: 'Horaires indicatifs : ils varient selon le commerce.',
        en: 'Typical hours only: they vary from shop to shop.',
      },
      unverified: ['hours'],
    },
    'other-bank-atm': {
      kind: 'self-service',
      label: { fr: "Distributeur d'une autre banque", en: "Another bank's cash machine" },
      // No hours: available around the clock.
      notes: {
        fr: "Des frais peuvent s'appliquer au-delà de vos retraits gratuits.",
        en: 'Fees may apply once your free withdrawals are used up.',
      },
    },
    postman: {
      kind: 'in-person',
      label: { fr: 'Facteur', en: 'Postman (facteur)' },
      // The delivery round: Monday to Saturday mornings is a guess, marked unverified. Without
      // hours the router would call the postman "open" on Sunday night.
      hours: {
        timeZone: TZ,
        weekly: {
          mon: ['08:00-13:00'],
          tue: ['08:00-13:00'],
          wed: ['08:00-13:00'],
          thu: ['08:00-13:00'],
          fri: ['08:00-13:00'],
          sat: ['08:00-13:00'],
        },
      },
      notes: {
        fr: "Vend des timbres pendant sa tournée. Peut apporter jusqu'à 250 € en espèces aux clients La Banque Postale (service signalé en 2020, non confirmé depuis).",
        en: 'Sells stamps on the round. Can bring up to €250 in cash to La Banque Postale customers (service reported in 2020, not confirmed since).',
      },
      unverified: ['hours', 'cash-delivery'],
    },
  },

  // Idempotent only where running twice is harmless: blocking a card that is already blocked, or
  // reading a balance. Every money or postal operation stays `false` (the default): done twice,
  // it moves money, charges or sends twice.
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Bank transfer' },
      // No `atm` route: no public source says it can.
      routes: [
        {
          channel: 'app',
          instructions: {
            fr: "Ouvrez l'appli La Banque Postale, touchez « Virement », choisissez le bénéficiaire et validez.",
            en: 'Open the La Banque Postale app, tap "Virement" (Transfer), choose the recipient and confirm.',
          },
          checkInstructions: {
            fr: "Avant de refaire le virement, regardez l'historique de votre compte dans l'appli ou sur labanquepostale.fr, opérations à venir comprises.",
            en: 'Before making the transfer again, look at your account history in the app or at labanquepostale.fr, pending operations included.',
          },
        },
        {
          channel: 'web',
          instructions: {
            fr: 'Connectez-vous sur labanquepostale.fr, ouvrez « Virements » et suivez les étapes.',
            en: 'Log in at labanquepostale.fr, open "Virements" (Transfers) and follow the steps.',
          },
          checkInstructions: {
            fr: "Avant de refaire le virement, regardez l'historique de votre compte dans l'appli ou sur labanquepostale.fr, opérations à venir comprises.",
            en: 'Before making the transfer again, look at your account history in the app or at labanquepostale.fr, pending operations included.',
          },
        },
        {
          channel: 'wero',
          instructions: {
            fr: "Dans l'appli, ouvrez Wero et envoyez l'argent au numéro de mobile du bénéficiaire : il arrive en quelques secondes.",
            en: "In the app, open Wero and send the money to the recipient's mobile number: it arrives within seconds.",
          },
          checkInstructions: {
            fr: "Avant de renvoyer l'argent, ouvrez l'historique de Wero dans l'appli, ou demandez au bénéficiaire s'il l'a reçu.",
            en: 'Before sending the money again, open the Wero history in the app, or ask the recipient whether it arrived.',
          },
        },
        {
          channel: 'phone-3639',
          instructions: {
            fr: "Appelez le 3639 (depuis l'étranger : +33 1 45 45 36 39) et demandez un virement.",
            en: 'Call 3639 (from abroad: +33 1 45 45 36 39) and ask for a transfer.',
          },
          checkInstructions: {
            fr: "Avant de redemander le virement, regardez l'historique de votre compte, ou demandez au conseiller du 3639 s'il a été enregistré.",
            en: 'Before asking for the transfer again, look at your account history, or ask the 3639 adviser whether it was recorded.',
          },
        },
        {
          channel: 'counter',
          instructions: {
            fr: "Allez au guichet d'un bureau de poste avec une pièce d'identité et le RIB du bénéficiaire, et demandez un virement.",
            en: "Go to a post office counter with ID and the recipient's bank details (IBAN), and ask for a transfer.",
          },
        },
      ],
    },

    'cash-withdrawal': {
      label: { fr: "Retrait d'espèces", en: 'Cash withdrawal' },
      // The ATM first: it is how most people take out cash, at any hour. The counter has higher
      // limits, so it comes next.
      routes: [
        {
          channel: 'atm',
          instructions: {
            fr: 'Retirez avec votre carte à un distributeur La Banque Postale.',
            en: 'Withdraw with your card at a La Banque Postale cash machine.',
          },
          checkInstructions: {
            fr: "Si le distributeur n'a pas donné les billets, regardez l'historique de votre compte avant de réessayer : un retrait non servi doit y apparaître annulé.",
            en: 'If the cash machine gave no notes, look at your account history before trying again: a withdrawal not dispensed should show as cancelled there.',
          },
        },
        {
          channel: 'counter',
          instructions: {
            fr: "Retirez au guichet d'un bureau de poste, avec une pièce d'identité. Les plafonds y sont plus élevés qu'au distributeur.",
            en: 'Withdraw at a post office counter, with ID. Limits are higher there than at the cash machine.',
          },
        },
        {
          channel: 'other-bank-atm',
          instructions: {
            fr: "Retirez avec votre carte au distributeur d'une autre banque. Des frais peuvent s'appliquer au-delà de vos retraits gratuits.",
            en: "Withdraw with your card at another bank's cash machine. Fees may apply once your free withdrawals are used up.",
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: "Retirez dans une agence postale communale ou un relais poste commerçant, avec votre carte : 350 € maximum sur 7 jours (jusqu'à 500 € selon le lieu).",
            en: 'Withdraw at a village post agency or partner shop, with your card: up to €350 per 7 days (up to €500 in some places).',
          },
          // The facts say €350–500 per 7 days: the lower bound, so no one is sent for an amount
          // they cannot get. The 7-day window itself cannot be expressed in `limits`.
          limits: { maxAmount: 350 },
        },
        {
          channel: 'postman',
          instructions: {
            fr: 'Demandez à La Banque Postale que votre facteur vous apporte des espèces à domicile (250 € maximum, clients La Banque Postale).',
            en: 'Ask La Banque Postale to have your postman bring cash to your home (up to €250, La Banque Postale customers).',
          },
          // €250: reported in 2020, unverified since (see the postman channel).
          limits: { maxAmount: 250 },
        },
      ],
    },

    'cash-deposit': {
      label: { fr: "Dépôt d'espèces", en: 'Cash deposit' },
      routes: [
        {
          channel: 'counter',
          instructions: {
            fr: "Déposez vos espèces au guichet d'un bureau de poste, avec votre carte ou votre numéro de compte.",
            en: 'Deposit your cash at a post office counter, with your card or account number.',
          },
        },
        {
          // Limited: only some offices have a deposit machine.
          channel: 'atm',
          instructions: {
            fr: 'Seuls certains bureaux de poste ont un automate de dépôt : vérifiez sur place, puis suivez les étapes avec votre carte.',
            en: 'Only some post offices have a deposit machine: check on site, then follow the steps with your card.',
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: 'Déposez vos espèces dans une agence postale communale ou un relais poste commerçant : 500 € maximum sur 7 jours.',
            en: 'Deposit your cash at a village post agency or partner shop: up to €500 per 7 days.',
          },
          // Per 7 days; the window cannot be expressed in `limits`.
          limits: { maxAmount: 500 },
        },
      ],
    },

    'stamp-purchase': {
      label: { fr: 'Achat de timbres', en: 'Buying stamps' },
      // The counter first: it is the normal way, and when it fails (9 April 2018) people are sent
      // to the machine in the same office, then to what works from home, then nearby shops.
      routes: [
        {
          channel: 'counter',
          instructions: {
            fr: "Achetez vos timbres au guichet d'un bureau de poste.",
            en: 'Buy your stamps at a post office counter.',
          },
        },
        {
          channel: 'postage-machine',
          instructions: {
            fr: "À l'automate du bureau de poste, choisissez « carnet de timbres » et payez.",
            en: 'At the post office machine, choose "carnet de timbres" (book of stamps) and pay.',
          },
        },
        {
          channel: 'app',
          instructions: {
            fr: "Dans l'appli La Poste, achetez un timbre en ligne et recopiez le code obtenu sur l'enveloppe, à la place du timbre.",
            en: 'In the La Poste app, buy an online stamp and write the code you get on the envelope, where the stamp goes.',
          },
          checkInstructions: {
            fr: "Avant de payer à nouveau, regardez vos achats dans l'appli ou votre espace sur laposte.fr, et l'e-mail de confirmation.",
            en: 'Before paying again, look at your purchases in the app or your laposte.fr account, and for the confirmation e-mail.',
          },
        },
        {
          channel: 'web',
          instructions: {
            fr: 'Sur laposte.fr, achetez un timbre et imprimez-le chez vous.',
            en: 'On laposte.fr, buy a stamp and print it at home.',
          },
          checkInstructions: {
            fr: "Avant de payer à nouveau, regardez vos achats dans l'appli ou votre espace sur laposte.fr, et l'e-mail de confirmation.",
            en: 'Before paying again, look at your purchases in the app or your laposte.fr account, and for the confirmation e-mail.',
          },
        },
        {
          channel: 'tobacconist',
          instructions: {
            fr: 'Achetez des timbres dans un bureau de tabac.',
            en: 'Buy stamps at a tobacconist (bureau de tabac).',
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: 'Achetez des timbres dans une agence postale communale ou un relais poste commerçant.',
            en: 'Buy stamps at a village post agency or partner shop.',
          },
        },
        {
          channel: 'postman',
          instructions: {
            fr: 'Demandez des timbres à votre facteur pendant sa tournée.',
            en: 'Ask your postman for stamps on the delivery round.',
          },
        },
      ],
    },

    postage: {
      label: { fr: 'Affranchir un envoi (lettre, colis)', en: 'Postage (letters, parcels)' },
      routes: [
        {
          channel: 'counter',
          instructions: {
            fr: "Au guichet d'un bureau de poste, faites peser et affranchir votre lettre, colis ou recommandé.",
            en: 'At a post office counter, have your letter, parcel or registered mail weighed and stamped.',
          },
        },
        {
          channel: 'postage-machine',
          instructions: {
            fr: "À l'automate du bureau de poste, posez l'envoi sur la balance, choisissez le service (lettre recommandée comprise), payez et collez l'étiquette.",
            en: 'At the post office machine, put the item on the scale, choose the service (registered mail included), pay and stick on the label.',
          },
        },
        {
          channel: 'web',
          instructions: {
            fr: 'Sur laposte.fr, imprimez un timbre ou une étiquette colis, ou envoyez une lettre recommandée en ligne.',
            en: 'On laposte.fr, print a stamp or a parcel label, or send a registered letter online.',
          },
          checkInstructions: {
            fr: "Avant de payer à nouveau, regardez vos achats dans l'appli ou votre espace sur laposte.fr, et l'e-mail de confirmation.",
            en: 'Before paying again, look at your purchases in the app or your laposte.fr account, and for the confirmation e-mail.',
          },
        },
        {
          channel: 'app',
          instructions: {
            fr: "Dans l'appli La Poste, affranchissez une lettre de 20 g maximum et recopiez le code sur l'enveloppe. Au-delà de 20 g, choisissez une autre solution.",
            en: 'In the La Poste app, pay postage for a letter of up to 20 g and write the code on the envelope. Over 20 g, choose another option.',
          },
          checkInstructions: {
            fr: "Avant de payer à nouveau, regardez vos achats dans l'appli ou votre espace sur laposte.fr, et l'e-mail de confirmation.",
            en: 'Before paying again, look at your purchases in the app or your laposte.fr account, and for the confirmation e-mail.',
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: 'Dans une agence postale communale ou un relais poste commerçant, affranchissez et déposez votre lettre ou votre colis.',
            en: 'At a village post agency or partner shop, pay postage for your letter or parcel and hand it in.',
          },
        },
        {
          // Limited: stamps only, no parcels or registered mail.
          channel: 'tobacconist',
          instructions: {
            fr: 'Au bureau de tabac, achetez des timbres puis postez la lettre dans une boîte aux lettres. Ni colis ni recommandé.',
            en: 'At a tobacconist, buy stamps, then post the letter in a postbox. No parcels or registered mail.',
          },
        },
      ],
    },

    'registered-mail-pickup': {
      label: { fr: "Retrait d'un recommandé", en: 'Picking up registered mail' },
      // No `app` route: no public source says it can.
      routes: [
        {
          channel: 'counter',
          instructions: {
            fr: "Allez au bureau de poste indiqué sur l'avis de passage, avec l'avis et une pièce d'identité. Le pli y est gardé 15 jours.",
            en: 'Go to the post office named on the delivery notice (avis de passage), with the notice and ID. The item is held there for 15 days.',
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: "Si l'avis de passage indique un point relais, allez-y avec l'avis et une pièce d'identité.",
            en: 'If the delivery notice names a relay point, go there with the notice and ID.',
          },
        },
        {
          // Limited: not a pickup, but a new delivery, another office or a proxy.
          channel: 'web',
          instructions: {
            fr: "Sur laposte.fr, avec le numéro de l'avis de passage, demandez une nouvelle livraison, choisissez un autre bureau ou donnez procuration (environ 3 jours).",
            en: 'On laposte.fr, with the number on the delivery notice, ask for a new delivery, pick another office or give someone a proxy (about 3 days).',
          },
        },
        {
          // Limited: a new delivery only.
          channel: 'phone-3631',
          instructions: {
            fr: "Appelez le 3631 (depuis l'étranger : +33 810 821 821) avec le numéro de l'avis de passage et demandez une nouvelle livraison.",
            en: 'Call 3631 (from abroad: +33 810 821 821) with the number on the delivery notice and ask for a new delivery.',
          },
        },
      ],
    },

    'parcel-pickup': {
      label: { fr: "Retrait d'un colis", en: 'Picking up a parcel' },
      // No `phone-3631` route: no public source says it can.
      routes: [
        {
          channel: 'counter',
          instructions: {
            fr: "Allez au bureau de poste indiqué sur l'avis de passage, avec l'avis (ou le code reçu) et une pièce d'identité.",
            en: 'Go to the post office named on the delivery notice, with the notice (or the code you received) and ID.',
          },
        },
        {
          channel: 'relay-point',
          instructions: {
            fr: "Allez au point relais ou à la consigne Pickup indiqué dans votre avis ou votre SMS, avec le code de retrait et une pièce d'identité.",
            en: 'Go to the Pickup relay point or locker named in your notice or text message, with the pickup code and ID.',
          },
        },
        {
          // Limited: reschedule, not pick up.
          channel: 'web',
          instructions: {
            fr: 'Sur laposte.fr, avec le numéro de suivi, reprogrammez la livraison (autre date ou autre lieu).',
            en: 'On laposte.fr, with the tracking number, reschedule the delivery (another day or another place).',
          },
        },
        {
          // Limited: reschedule, not pick up.
          channel: 'app',
          instructions: {
            fr: "Dans l'appli La Poste, avec le numéro de suivi, reprogrammez la livraison (autre date ou autre lieu).",
            en: 'In the La Poste app, with the tracking number, reschedule the delivery (another day or another place).',
          },
        },
      ],
    },

    'card-block': {
      label: { fr: 'Opposition sur une carte', en: 'Blocking a card' },
      // Blocking a card that is already blocked changes nothing: safe to retry.
      idempotent: true,
      routes: [
        {
          channel: 'app',
          instructions: {
            fr: "Dans l'appli La Banque Postale, ouvrez votre carte et faites opposition (24 h/24).",
            en: 'In the La Banque Postale app, open your card and block it (24/7).',
          },
        },
        {
          channel: 'web',
          instructions: {
            fr: 'Connectez-vous sur labanquepostale.fr, ouvrez votre carte et faites opposition (24 h/24).',
            en: 'Log in at labanquepostale.fr, open your card and block it (24/7).',
          },
        },
        {
          channel: 'card-block-line',
          instructions: {
            fr: "Appelez le 09 69 39 99 98 (depuis l'étranger : +33 9 69 39 99 98) et faites opposition sur votre carte.",
            en: 'Call 09 69 39 99 98 (from abroad: +33 9 69 39 99 98) and block your card.',
          },
        },
        {
          channel: 'phone-3639',
          instructions: {
            fr: "Appelez le 3639 (depuis l'étranger : +33 1 45 45 36 39) et demandez l'opposition de votre carte.",
            en: 'Call 3639 (from abroad: +33 1 45 45 36 39) and ask for your card to be blocked.',
          },
        },
        {
          channel: 'counter',
          instructions: {
            fr: "Au guichet d'un bureau de poste, avec une pièce d'identité, demandez l'opposition de votre carte.",
            en: 'At a post office counter, with ID, ask for your card to be blocked.',
          },
        },
      ],
    },

    balance: {
      label: { fr: 'Consulter son solde', en: 'Checking your balance' },
      // Reading a balance changes nothing: safe to retry.
      idempotent: true,
      // No `atm` or `other-bank-atm` route: no public source says it can.
      routes: [
        {
          channel: 'app',
          instructions: {
            fr: "Ouvrez l'appli La Banque Postale : le solde s'affiche avec vos comptes.",
            en: 'Open the La Banque Postale app: the balance is shown with your accounts.',
          },
        },
        {
          channel: 'web',
          instructions: {
            fr: "Connectez-vous sur labanquepostale.fr : le solde s'affiche avec vos comptes.",
            en: 'Log in at labanquepostale.fr: the balance is shown with your accounts.',
          },
        },
        {
          channel: 'counter',
          instructions: {
            fr: "Demandez votre solde au guichet d'un bureau de poste, avec une pièce d'identité.",
            en: 'Ask for your balance at a post office counter, with ID.',
          },
        },
        {
          // Limited.
          channel: 'phone-3639',
          instructions: {
            fr: "Appelez le 3639 (depuis l'étranger : +33 1 45 45 36 39) et demandez votre solde.",
            en: 'Call 3639 (from abroad: +33 1 45 45 36 39) and ask for your balance.',
          },
        },
      ],
    },
  },
});
