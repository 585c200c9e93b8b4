/**
 * The pending notice of a join waiting for its batch, in English: apart from the catalogue so
 * that the browser extension says it in the widget's words without bundling the whole catalogue
 * (`@bridgenotes/widget`).
 */
export const EN_PENDING = {
  pending:
    'Your membership of {community} will be active once it is sealed with other members’ joins, which keeps when you joined private — usually within minutes, a few hours in a quiet community. You can read notes meanwhile.',
  // By the instance's seal wait (`CommunityResponse.sealing`; the first where it says none):
  // with no time bound a quiet community's join waits for enough others, maybe for ever.
  pendingNoTimeBound:
    'Your membership of {community} will be active once it is sealed with other members’ joins, which keeps when you joined private — once enough members have joined: this has no set time, and in a quiet community it can take a long time. You can read notes meanwhile.',
  pendingWithinHour:
    'Your membership of {community} will be active once it is sealed with other members’ joins, which keeps when you joined private — within minutes in a busy community, at the latest about an hour after you joined. You can read notes meanwhile.',
  pendingWithinHours:
    'Your membership of {community} will be active once it is sealed with other members’ joins, which keeps when you joined private — within minutes in a busy community, at the latest about {hours} hours after you joined. You can read notes meanwhile.',
} as const;
