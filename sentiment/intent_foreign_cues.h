// earshot::sentiment::intent_lexicon — customer-service cues in German, French, Spanish,
// Portuguese, Italian and Dutch (internal to intent.cc; see intent_lexicon.h). Small,
// hand-written lists of the problems and the service praise that the lexicon scorers
// (lexicon_scorer.h) may not weigh, so that intent works on the posts those languages get.
// Only words that cannot be English words: an English post never matches them ("storing" is
// not here for that reason). Written with their accents: the classifier folds both the cues
// and the post's words to ASCII (latin_fold.h), so "verspätet", "VERSPÄTET", "verspatet" and
// NFD "verspa\u0308tet" all match the cue "verspätet" (IntentLanguages.Accented*).
// No phrase contains another (matched cues add up). They follow
// kCues and kCareCues in the one cue list the classifier compiles.
//
// Thread safety: constants.
#pragma once

#include "sentiment/intent_care_cues.h"

namespace earshot::sentiment::intent_lexicon {

inline constexpr Cue kForeignCues[] = {
    // de
    {"storniert", -0.8f},
    {"erstattung", -0.6f},
    {"keine antwort", -1},
    {"kaputt", -1},
    {"funktioniert nicht", -1.2f},
    {"warteschleife", -1},
    {"doppelt abgebucht", -1.2f},
    {"ausgefallen", -1},
    {"vielen dank", 1},
    {"kündigung", -0.6f},
    {"gekündigt", -0.6f},
    {"rückerstattung", -0.6f},
    {"verspätet", -1},
    {"verspätung", -1},
    {"störung", -1},
    {"nicht erreichbar", -1},
    {"zweimal abgebucht", -1.2f},
    // fr
    {"en retard", -1},
    {"remboursement", -0.6f},
    {"ne fonctionne pas", -1.2f},
    {"ne marche pas", -1.2f},
    {"panne", -1},
    {"merci beaucoup", 1},
    {"service impeccable", 1.2f},
    {"pas remboursé", -1.2f},
    {"jamais remboursé", -1.2f},
    {"pas reçu", -1},
    {"annulé", -0.8f},
    {"annulée", -0.8f},
    {"résiliation", -0.6f},
    {"prélevé deux fois", -1.2f},
    {"débité deux fois", -1.2f},
    // es
    {"retrasado", -1},
    {"retraso", -1},
    {"cancelado", -0.8f},
    {"reembolso", -0.6f},
    {"no funciona", -1.2f},
    {"averiado", -1},
    {"cobrado dos veces", -1.2f},
    {"muchas gracias", 1},
    {"puntual", 0.8f},
    {"cancelación", -0.6f},
    {"devolución", -0.6f},
    {"cobró dos veces", -1.2f},
    {"no llegó", -1},
    // pt
    {"atrasado", -1},
    {"atraso", -1},
    {"não funciona", -1.2f},
    {"cobrado duas vezes", -1.2f},
    {"muito obrigado", 1},
    {"muito obrigada", 1},
    {"pontual", 0.8f},
    {"cancelação", -0.6f},
    {"estorno", -0.6f},
    {"cobrança indevida", -1.2f},
    {"não chegou", -1},
    // it
    {"ritardo", -1},
    {"cancellato", -0.8f},
    {"rimborso", -0.6f},
    {"non funziona", -1.2f},
    {"guasto", -1},
    {"addebitato due volte", -1.2f},
    {"grazie mille", 1},
    {"puntuale", 0.8f},
    {"non è arrivato", -1},
    {"mai arrivato", -1},
    {"disservizio", -1},
    // nl
    {"vertraagd", -1},
    {"vertraging", -1},
    {"geannuleerd", -0.8f},
    {"terugbetaling", -0.6f},
    {"werkt niet", -1.2f},
    {"dubbel afgeschreven", -1.2f},
    {"dank je wel", 1},
    {"op tijd", 0.8f},
    {"dubbel geïncasseerd", -1.2f},
    {"onterecht geïncasseerd", -1.2f},
    {"twee keer geïncasseerd", -1.2f},
};

}  // namespace earshot::sentiment::intent_lexicon
