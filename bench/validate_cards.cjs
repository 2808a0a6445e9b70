// Validates Adaptive Cards with the official parser (npm `adaptivecards`, 3.x): parse events (an
// unknown element or action type, a bad value) and validation events (a missing id, an input
// without a label...), per card. Used by bench/chat_cards.py:
//   npm install --prefix /tmp/ac adaptivecards@3
//   NODE_PATH=/tmp/ac/node_modules node bench/validate_cards.cjs cards.json
// Prints one JSON line: {"cards": n, "invalid": [{"index": i, "events": [...]}, ...]}.
const fs = require("fs");
const AC = require("adaptivecards/dist/adaptivecards.js");

const cards = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const invalid = [];
cards.forEach((json, index) => {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  card.parse(json, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({ phase: e.phase, event: e.event, message: e.message });
  }
  for (const e of card.validateProperties().validationEvents) {
    events.push({ event: e.event, message: e.message });
  }
  if (json.version !== "1.5") events.push({ message: `version ${json.version}, not 1.5` });
  if (events.length) invalid.push({ index, events });
});
console.log(JSON.stringify({ cards: cards.length, invalid }));
