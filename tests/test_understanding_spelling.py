"""Typo correction (bot/core/understanding/spelling.py) against the demo world's names: which words are
corrected, to what, and which are left as typed (every word of the spelling tables, the short forms,
the length limit, names, room names, the word boundaries), and the names said back as read."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon, demo_lexicon_with_rooms

from bot.core.shared import commands as c
from bot.core.understanding.pipeline import parse
from bot.core.understanding.spelling import correct, name_corrections

LEXICON = demo_lexicon()


_with_rooms = demo_lexicon_with_rooms


# Rooms named as staff name them, typed with spaces: "Villa East", "PH East", "kid's club".
ROOMS = _with_rooms(
    "204", "311", "Villa-East", "PH-East", "Sky-Suite", "Kid-Club", "Løve-Suite", "Lovve-Suite"
)


# --- command words: a typo of each is read as the word ----------------------------------------------

COMMAND_WORD_TYPOS = [
    ("puase the music in 204", "pause the music in 204"),
    ("mtue room 311", "mute room 311"),
    ("slience 118 please", "silence 118 please"),
    ("set floor 2 to jazz ecxluding 204", "set floor 2 to jazz excluding 204"),
    ("set folor 3 to jazz", "set floor 3 to jazz"),
    ("set folors 2 and 3 to jazz", "set floors 2 and 3 to jazz"),
    ("aset 204 to jazz", "set 204 to jazz"),
    ("cahnge 204 to jazz", "change 204 to jazz"),
    ("siwtch 204 to jazz", "switch 204 to jazz"),
    ("puut jazz on in 204", "put jazz on in 204"),
    ("paly jazz in 204", "play jazz in 204"),
    ("what is palying in 204", "what is playing in 204"),
    ("udpate 204 to jazz", "update 204 to jazz"),
    ("trun 204 to jazz", "turn 204 to jazz"),
    ("the guest wnats jazz in 204", "the guest wants jazz in 204"),
    ("guests wnat jazz in 204", "guests want jazz in 204"),
    ("204 nede jazz", "204 need jazz"),
    ("204 nedes jazz", "204 needs jazz"),
    ("204 sohuld be jazz", "204 should be jazz"),
    ("geet 204 jazz", "get 204 jazz"),
    ("satrt jazz in 204", "start jazz in 204"),
    ("usse jazz in 204", "use jazz in 204"),
    ("celar the alarms in 204", "clear the alarms in 204"),
    ("cancle the wakeup in 118", "cancel the wakeup in 118"),
    ("dleete the alarms in 204", "delete the alarms in 204"),
    ("rmeove the alarms in 204", "remove the alarms in 204"),
    ("wpie the alarms in 204", "wipe the alarms in 204"),
    ("rseet the alarms in 204", "reset the alarms in 204"),
    ("earse the alarms in 204", "erase the alarms in 204"),
    ("dorp the alarms in 204", "drop the alarms in 204"),
    ("pruge the alarms in 204", "purge the alarms in 204"),
    ("waht is on in 204", "what is on in 204"),
    ("wihch station is 204 on", "which station is 204 on"),
    ("tlel me the station in 204", "tell me the station in 204"),
    ("cehck 204", "check 204"),
    ("sattions", "stations"),
    ("set the cahnnel in 204 to jazz", "set the channel in 204 to jazz"),
    ("set 204 to dfeault", "set 204 to default"),
    ("rneame 204 to 205", "rename 204 to 205"),
    ("addd room 420", "add room 420"),
    ("cerate room 420", "create room 420"),
    ("porfile of 204", "profile of 204"),
    ("list porfiles", "list profiles"),
    ("uesr of 204", "user of 204"),
    ("list uesrs", "list users"),
    ("ojbect of 204", "object of 204"),
    ("room tpye of 204", "room type of 204"),
    ("room tpyes", "room types"),
    ("list porperties", "list properties"),
    ("porperty of 204", "property of 204"),
    ("htoel of 204", "hotel of 204"),
    ("list htoels", "list hotels"),
    ("fnid 204", "find 204"),
    ("lcoate 204", "locate 204"),
    ("wehre is 204", "where is 204"),
    ("aduit of 204", "audit of 204"),
    ("cahnges in 204", "changes in 204"),
    ("hlep", "help"),
    ("snyc now", "sync now"),
    ("rseync now", "resync now"),
    ("rferesh now", "refresh now"),
    ("rleoad now", "reload now"),
    ("dgiest", "digest"),
    ("lokoup 204", "lookup 204"),
    ("saerch 204", "search 204"),
    ("utpime of 204", "uptime of 204"),
    ("oflfine echos", "offline echos"),
    ("upnlaced devices", "unplaced devices"),
    ("falpping devices", "flapping devices"),
    ("sattus of 204", "status of 204"),
    ("hsitory of 204", "history of 204"),
    ("tmieline of 204", "timeline of 204"),
    ("eevnts in 204", "events in 204"),
    ("is 204 olnine", "is 204 online"),
    ("ehco in 204", "echo in 204"),
    ("ehcos in 204", "echos in 204"),
    ("dveice in 204", "device in 204"),
    ("dveices in 204", "devices in 204"),
    ("haelth of 204", "health of 204"),
    ("is 204 cnonected", "is 204 connected"),
    ("is 204 wroking", "is 204 working"),
    ("is 204 raechable", "is 204 reachable"),
    ("urneachable echos", "unreachable echos"),
    ("clear the alrm in 204", "clear the alarm in 204"),
    ("clear the alrms in 204", "clear the alarms in 204"),
    ("clear the rmeinder in 204", "clear the reminder in 204"),
    ("clear the rmeinders in 204", "clear the reminders in 204"),
    ("clear the tmier in 204", "clear the timer in 204"),
    ("clear the tmiers in 204", "clear the timers in 204"),
    ("clear the aelrt in 204", "clear the alert in 204"),
    ("clear the aelrts in 204", "clear the alerts in 204"),
    ("cancel the wkaeup in 118", "cancel the wakeup in 118"),
    ("udno", "undo"),
    ("rtery", "retry"),
    ("retry the fialed", "retry the failed"),
    ("cnofirm", "confirm"),
    ("yees", "yes"),
    ("hlelo", "hello"),
    ("tahnks", "thanks"),
    ("tahnk you", "thank you"),
    ("cehers", "cheers"),
    ("bnojour", "bonjour"),
    ("mreci", "merci"),
    ("aavilable stations", "available stations"),
    ("stations ofefred in 204", "stations offered in 204"),
    ("caal in 204", "cal in 204"),
    ("clas in 204", "cals in 204"),
    ("dialy in 204", "daily in 204"),
]


@pytest.mark.parametrize(("typed", "read"), COMMAND_WORD_TYPOS)
def test_a_typo_of_a_command_word_is_read_as_the_word(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


# Each of these is one edit from another known word: known itself, it is never read as that one
# ("stop" is no typo of the station word "top", "wake" none of "make").
COMMAND_WORDS_KEPT = [
    "stop the music in 204",
    "tune 204 to jazz",
    "make 204 jazz",
    "204 would like jazz",
    "what is going on in 204",
    "give 204 jazz",
    "kill the alarms in 204",
    "list stations",
    "echoes in 204",
    "cancel the wake up in 118",
]


@pytest.mark.parametrize("text", COMMAND_WORDS_KEPT)
def test_a_command_word_is_never_read_as_another(text: str) -> None:
    assert correct(text, LEXICON) == text


# --- common words: a typo of each is read as the word -------------------------------------------------

COMMON_WORD_TYPOS = [
    ("rmeind the guest in 103", "remind the guest in 103"),
    ("rmeinding the guest in 103", "reminding the guest in 103"),
    ("420 satys on jazz", "420 stays on jazz"),
    ("420 should saty on jazz", "420 should stay on jazz"),
    ("jazz form 204", "jazz from 204"),
    ("420 kepes its alarms", "420 keeps its alarms"),
    ("420 kepe its alarms", "420 keep its alarms"),
    ("420 rmeains as it is", "420 remains as it is"),
    ("420 rmeain as it is", "420 remain as it is"),
    ("leave 420 ucnhanged", "leave 420 unchanged"),
    ("leave 420 utnouched", "leave 420 untouched"),
    ("bbay in 204", "baby in 204"),
    ("gmime jazz in 204", "gimme jazz in 204"),
    ("stmh calm in 204", "smth calm in 204"),
    ("jazz in 204 tnoite", "jazz in 204 tonite"),
    ("the guest is wiating", "the guest is waiting"),
    ("wohops not 204", "whoops not 204"),
    ("sikp 204", "skip 204"),
    ("dont tuoch 204", "dont touch 204"),
    ("leave 204 aolne", "leave 204 alone"),
    ("laeve 204", "leave 204"),
    ("yeea", "yea"),
    ("yepp", "yep"),
    ("naah", "nah"),
    ("naay", "nay"),
    ("jazz in 204 aasp", "jazz in 204 asap"),
    ("204 is worng", "204 is wrong"),
    ("guests arirving in 204", "guests arriving in 204"),
    ("204 annd 205", "204 and 205"),
    ("204 wtih jazz", "204 with jazz"),
    ("taht one", "that one"),
    ("haas 204 got jazz", "has 204 got jazz"),
    ("haad 204 got jazz", "had 204 got jazz"),
    ("waas 204 on jazz", "was 204 on jazz"),
    ("wree the alarms cleared", "were the alarms cleared"),
    ("has 204 bene cleared", "has 204 been cleared"),
    ("tehy want jazz", "they want jazz"),
    ("clear tehm in 204", "clear them in 204"),
    ("tehir station in 204", "their station in 204"),
    ("tehn 205", "then 205"),
    ("more tahn 2", "more than 2"),
    ("whhy is 204 on jazz", "why is 204 on jazz"),
    ("whho set 204", "who set 204"),
    ("hoow is 204", "how is 204"),
    ("jazz oevr in 204", "jazz over in 204"),
    ("rooms udner 210", "rooms under 210"),
    ("aobut 204", "about 204"),
    ("atfer 204", "after 204"),
    ("bfeore 204", "before 204"),
    ("204 aagin", "204 again"),
    ("aslo 205", "also 205"),
    ("olny 204", "only 204"),
    ("not mcuh", "not much"),
    ("how mnay echos", "how many echos"),
    ("smoe jazz in 204", "some jazz in 204"),
    ("anny alarms in 204", "any alarms in 204"),
    ("alll rooms", "all rooms"),
    ("jazz in ecah room", "jazz in each room"),
    ("the ohter one", "the other one"),
    ("aonther one", "another one"),
    ("mroe jazz", "more jazz"),
    ("not lses", "not less"),
    ("pelase set 204 to jazz", "please set 204 to jazz"),
    ("can yoou set 204 to jazz", "can you set 204 to jazz"),
    ("yuor echos", "your echos"),
    ("ouur echos", "our echos"),
    ("mnie is 204", "mine is 204"),
    ("hise echo", "his echo"),
    ("hder echo", "her echo"),
    ("shhe wants jazz", "she wants jazz"),
    ("ifts echo", "its echo"),
    ("caan you set 204 to jazz", "can you set 204 to jazz"),
    ("sahll we", "shall we"),
    ("myay we", "may we"),
    ("204 msut be jazz", "204 must be jazz"),
    ("guests lvoe jazz", "guests love jazz"),
    ("guests htae jazz", "guests hate jazz"),
    ("the guest htaes jazz", "the guest hates jazz"),
    ("the guest htaed jazz", "the guest hated jazz"),
    ("ltaer", "later"),
    ("tmoorrow", "tomorrow"),
    ("tdoay", "today"),
    ("noow", "now"),
    ("not yeet", "not yet"),
    ("sitll jazz", "still jazz"),
    ("the geust in 204", "the guest in 204"),
    ("the geusts in 204", "the guests in 204"),
    ("gott jazz", "got jazz"),
    ("dnoe", "done"),
    ("diid it", "did it"),
    ("the guest siad jazz", "the guest said jazz"),
    ("the guest syas jazz", "the guest says jazz"),
    ("isay jazz", "say jazz"),
    ("konw", "know"),
    ("tihnk so", "think so"),
    ("guests cehcking out", "guests checking out"),
    ("the guest cmoplained", "the guest complained"),
    ("tooo loud", "too loud"),
    ("onne more", "one more"),
    ("the oens in 204", "the ones in 204"),
    ("twwo rooms", "two rooms"),
    ("oaky", "okay"),
    ("noot 204", "not 204"),
    ("nveer mind", "never mind"),
    ("cnat", "cant"),
    ("alarms celared", "alarms cleared"),
    ("celaring alarms", "clearing alarms"),
    ("steting 204", "setting 204"),
    ("the guest stes it", "the guest sets it"),
    ("what palyed in 204", "what played in 204"),
    ("lsiten to jazz", "listen to jazz"),
    ("good mroning", "good morning"),
    ("good eevning", "good evening"),
    ("good atfernoon", "good afternoon"),
    ("byye", "bye"),
    ("prefect", "perfect"),
    ("aewsome", "awesome"),
    ("colo", "cool"),
    ("ncie", "nice"),
    ("qeulle musique dans 204", "quelle musique dans 204"),
    ("qeul station dans 204", "quel station dans 204"),
    ("deas echos", "des echos"),
    ("kles echos", "les echos"),
    ("de la musique puor 204", "de la musique pour 204"),
    ("unne station pour 204", "une station pour 204"),
    ("quelle musique esst dans 204", "quelle musique est dans 204"),
    ("suur 204", "sur 204"),
    ("what knid of music", "what kind of music"),
    ("what knids of music", "what kinds of music"),
    ("aynone in 204", "anyone in 204"),
    ("smoeone in 204", "someone in 204"),
    ("smoebody in 204", "somebody in 204"),
    ("fnie", "fine"),
    ("srory not 204", "sorry not 204"),
    ("opos not 204", "oops not 204"),
    ("no wayy", "no way"),
    ("what wnet on in 204", "what went on in 204"),
    ("the alarms are gnoe", "the alarms are gone"),
    ("one tihng", "one thing"),
    ("the tihngs in 204", "the things in 204"),
    ("the sutff in 204", "the stuff in 204"),
    ("wehre's 204", "where's 204"),
    ("waht's on in 204", "what's on in 204"),
    ("lte's set 204 to jazz", "let's set 204 to jazz"),
    ("il'l set 204", "i'll set 204"),
    ("i''m in 204", "i'm in 204"),
    ("2 days aggo", "2 days ago"),
    ("the lsat change", "the last change"),
    ("last weke", "last week"),
    ("2 wekes ago", "2 weeks ago"),
    ("one daay ago", "one day ago"),
    ("2 dyas ago", "2 days ago"),
    ("one huor ago", "one hour ago"),
    ("2 huors ago", "2 hours ago"),
    ("one mniute ago", "one minute ago"),
    ("2 mniutes ago", "2 minutes ago"),
    ("last mnoth", "last month"),
    ("204 is bieng odd", "204 is being odd"),
    ("204 semes off", "204 seems off"),
    ("204 semeed off", "204 seemed off"),
    ("a klot of alarms", "a lot of alarms"),
    ("ltos of alarms", "lots of alarms"),
    ("a biit louder", "a bit louder"),
    ("a ltitle louder", "a little louder"),
    ("ntohing", "nothing"),
    ("aynthing on in 204", "anything on in 204"),
    ("asnwer", "answer"),
    ("assk 204", "ask 204"),
    ("the guest aksed for jazz", "the guest asked for jazz"),
    ("the guest is aksing for jazz", "the guest is asking for jazz"),
    ("never mnid", "never mind"),
    ("froget it", "forget it"),
    ("srcatch that", "scratch that"),
    ("i dnot know", "i dont know"),
    ("wnot work", "wont work"),
    ("over hree", "over here"),
    ("204 seme off", "204 seem off"),
]


@pytest.mark.parametrize(("typed", "read"), COMMON_WORD_TYPOS)
def test_a_typo_of_a_common_word_is_read_as_the_word(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


# Each is one edit from another known word (in brackets): known itself, it is never read as that one.
COMMON_WORDS_KEPT = [
    "no wait, just 314",  # want
    "the guest was reminded",  # reminder
    "i meant 205",  # mean
    "i mean 205",  # meant
    "sure",  # sur
    "snooze the alarm in 204",  # snoozed
    "the alarm was snoozed",  # snooze
    "jazz from 204",  # for ("form" is "from")
    "this one",  # his
    "have 204 on jazz",  # hate
    "is there jazz in 204",  # three
    "when was 204 set",  # then
    "put 204 into jazz",  # onto
    "put 204 onto jazz",  # into
    "very loud",  # every
    "every room",  # very
    "most rooms",  # must
    "could you set 204 to jazz",  # would
    "would you set 204 to jazz",  # could
    "will you set 204 to jazz",  # kill
    "might be 204",  # right
    "does 204 have jazz",  # des
    "doing jazz in 204",  # going
    "told the guest",  # gold
    "knew it",  # know
    "the guest liked jazz",  # like
    "three rooms",  # there
    "doesnt work",  # doesn't
    "isnt on",  # isn't
    "wasnt me",  # want
    "good morning",  # gold
    "quelle musique dans 204",  # days
    "the left one",  # loft
    "right one",  # might
    "it's 204",  # its
    "that's 204",  # what's
    "we're done",  # were
    "don't",  # dont
    "doesn't",  # doesnt
    "isn't",  # isnt
    "past week",  # last
]


@pytest.mark.parametrize("text", COMMON_WORDS_KEPT)
def test_a_common_word_is_never_read_as_another(text: str) -> None:
    assert correct(text, LEXICON) == text


# --- plurals: a word whose singular or plural is known is no typo --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "list channels",  # "channel" known: never read as "channel"
        "who checks 204",  # "check" known: never read as "check"
        "the last event in 204",  # "events" known: never read as "events"
        "play an oldie in 204",  # "oldies" known: never read as "oldies"
        "does 204 have jazz",  # neither "doe" nor "doess": known itself, never read as "des"
    ],
)
def test_a_word_whose_singular_or_plural_is_known_is_kept(text: str) -> None:
    assert correct(text, LEXICON) == text


# --- short forms, and the length limit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("wat is playing in 204", "what is playing in 204"),
        ("Wat is on in 204", "what is on in 204"),
        ("hii", "hi"),
        ("hiii", "hi"),
        ("thx", "thanks"),
        ("pls set 204 to jazz", "please set 204 to jazz"),
        ("helo", "hello"),
    ],
)
def test_a_short_form_is_read_as_its_word(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("teh alarms in 204", "teh alarms in 204"),  # three letters: never corrected ("the")
        ("hwo is 204", "hwo is 204"),  # three letters: never corrected ("who")
        ("whta is on in 204", "what is on in 204"),  # four letters: corrected
        ("clear the alrm in 204", "clear the alarm in 204"),  # four letters: corrected
    ],
)
def test_words_of_three_letters_are_never_corrected_four_are(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


def test_the_short_forms_as_parsed() -> None:
    thanks = parse("thx", LEXICON).parsed
    assert thanks is not None and thanks.command == c.SmallTalk(kind="thanks")
    asked = parse("wat is playing in 204", LEXICON).parsed
    assert asked is not None and asked.command == c.AskStation(c.Target(rooms=("204",)))


# --- which known word: one fit only, the swapped letters first ------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("waht is on in 204", "what is on in 204"),  # "what" (swapped) beats "want" (changed)
        ("wnat jazz in 204", "want jazz in 204"),  # "want" (swapped) beats "what" (changed)
        ("420 should saty on jazz", "420 should stay on jazz"),  # "stay", not "say"
        ("sett 204 to jazz", "sett 204 to jazz"),  # "set" or "sets": no guess
        ("evnet in 204", "evnet in 204"),  # nothing one edit away
        ("cancle the alarms in 118", "cancel the alarms in 118"),  # swapped letters
        ("clear the alrms in 204", "clear the alarms in 204"),  # a missing letter
        ("clear the alarmms in 204", "clear the alarms in 204"),  # a letter too many
        ("clear the alarns in 204", "clear the alarms in 204"),  # a letter changed
    ],
)
def test_a_word_is_corrected_only_to_the_one_word_that_fits(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


# --- names: a capitalised word is corrected only towards a name; names are said back as read ------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Cancle the alarms in 118", "Cancle the alarms in 118"),  # no name is one edit away
        ("CANCLE the alarms in 118", "CANCLE the alarms in 118"),
        ("set 204 at Lakside Chicago to jazz", "set 204 at lakeside Chicago to jazz"),
        ("set 204 to jazz at Kensignton", "set 204 to jazz at kensington"),
        ("set 204 to Clasical", "set 204 to classical"),
        ("set 204 at lakside to clasical", "set 204 at lakeside to classical"),
    ],
)
def test_a_capitalised_word_is_corrected_only_towards_a_name(typed: str, read: str) -> None:
    assert correct(typed, LEXICON) == read


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("set 204 at Lakside Chicago to jazz", [("Lakside", "Lakeside")]),
        ("set 204 at lakside to jazz", [("lakside", "lakeside")]),
        ("set 204 to jazz at Kensignton", [("Kensignton", "Kensington")]),
        ("set 204 at Lakside to clasical", [("Lakside", "Lakeside"), ("clasical", "classical")]),
        ("set 204 to Jazz", []),  # no typo: the case alone is no correction
        ("cancle the alarms in 118", []),  # a command word corrected: not a name
        ("set 204 to jazz", []),
    ],
)
def test_each_name_corrected_is_said_back_as_typed_and_as_read(
    typed: str, said: list[tuple[str, str]]
) -> None:
    assert name_corrections(typed, LEXICON) == said


# Words of a station's name ("Easy Listening", "Classic FM Radio"...) that are command words too: a
# typo of one is corrected, but it is no name to say back.
NAME_WORDS_NOT_SAID = [
    ("whats on the raido in 204", "whats on the radio in 204"),
    ("what is 204 listenning to", "what is 204 listening to"),
    ("shwo the station in 204", "show the station in 204"),
    ("what staton is 204 on", "what station is 204 on"),
    ("the muisc in 204", "the music in 204"),
    ("set roon 204 to jazz", "set room 204 to jazz"),
    ("list the suties", "list the suites"),
]


@pytest.mark.parametrize(("typed", "read"), NAME_WORDS_NOT_SAID)
def test_a_command_word_of_a_station_name_is_corrected_but_not_said_back(
    typed: str, read: str
) -> None:
    assert correct(typed, LEXICON) == read
    assert name_corrections(typed, LEXICON) == []


def test_a_name_read_differently_is_noted_word_for_word() -> None:
    result = parse("set 204 at Lakside Chicago to jazz", LEXICON)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(
        c.Target(rooms=("204",), property_name="Lakeside Chicago"), "jazz"
    )
    assert result.parsed.notes == ("I read \u201cLakside\u201d as \u201cLakeside\u201d.",)
    lower = parse("set 204 at lakside to clasical", LEXICON).parsed
    assert lower is not None
    assert lower.notes == (
        "I read \u201clakside\u201d as \u201clakeside\u201d.",
        "I read \u201cclasical\u201d as \u201cclassical\u201d.",
    )


def test_a_command_word_corrected_is_not_noted() -> None:
    result = parse("cancle the alarms in 118", LEXICON)
    assert result.parsed is not None and result.parsed.notes == ()
    assert result.parsed.command == c.ClearAlerts(
        c.Target(rooms=("118",)), kinds=(c.AlertKind.ALARMS,)
    )
    radio = parse("whats on the raido in 204", LEXICON).parsed
    assert radio is not None and radio.notes == ()
    assert radio.command == c.AskStation(c.Target(rooms=("204",)))


# --- word boundaries: digits, slashes and hyphens; punctuation around a word ----------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("cancle2", "cancle2"),
        ("cancle/204", "cancle/204"),
        ("204/cancle", "204/cancle"),
        ("x-cancle", "x-cancle"),
        ("cancle-x", "cancle-x"),
        ("cancle_x", "cancle_x"),
        ("cancle.", "cancel."),
        ("(cancle) 118", "(cancel) 118"),
        ("118: cancle!", "118: cancel!"),
    ],
)
def test_a_word_joined_to_digits_slashes_or_hyphens_is_never_corrected(
    typed: str, read: str
) -> None:
    assert correct(typed, LEXICON) == read


# --- rooms named with words: their words are no typos ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "with_rooms", "without"),
    [
        ("set Villa East to jazz", "set Villa East to jazz", "set Villa easy to jazz"),
        ("set PH East to jazz", "set PH East to jazz", "set PH easy to jazz"),
        ("sky suite's echo", "sky suite's echo", "sky suites echo"),
        ("is the kid's club echo online", "is the kid's club echo online",
         "is the kids club echo online"),
        ("set lovve suite to jazz", "set lovve suite to jazz", "set love suite to jazz"),
        ("set the station in lovve suite to jazz", "set the station in lovve suite to jazz",
         "set the station in love suite to jazz"),
        ("cancle the alarms in villa east", "cancel the alarms in villa east",
         "cancel the alarms in villa east"),
    ],
)  # fmt: skip
def test_the_words_of_a_room_name_are_never_corrected(
    typed: str, with_rooms: str, without: str
) -> None:
    """ "East" of room PH-East is no typo of the station word "easy"; a possessive ("suite's", of a
    room's three-letter word "kid's") is no "suites"; "lovve" of room Lovve-Suite (one letter from
    the word "love") is kept when the room's name is typed whole."""
    assert correct(typed, ROOMS) == with_rooms
    assert correct(typed, LEXICON) == without


def test_a_room_name_of_three_words_is_kept() -> None:
    three = _with_rooms("Store-Lovve-Suite")
    assert correct("set store lovve suite to jazz", three) == "set store lovve suite to jazz"


def test_a_room_name_of_one_word_is_kept() -> None:
    one = _with_rooms("Lovve")
    assert correct("set the station in lovve to jazz", one) == "set the station in lovve to jazz"
    assert correct("set the station in lovve to jazz", LEXICON) == "set the station in love to jazz"


def test_a_room_name_typed_only_loosely_is_no_protection() -> None:
    """ "kid's club" is room Kids-Club only loosely (its letters): "kid's" is read as "kids",
    as without the room (exactly typed names only keep their words)."""
    kids = _with_rooms("Kids-Club")
    assert correct("is the kid's club echo online", kids) == "is the kids club echo online"


def test_a_room_named_with_words_is_read_as_that_room() -> None:
    result = parse("set villa east to jazz", ROOMS)
    assert result.parsed is not None and result.parsed.notes == ()
    assert result.parsed.command == c.SetStation(c.Target(rooms=("Villa-East",)), "jazz")
