//! The user-facing strings that are not in templates or model files, in one place so another
//! language can follow.

pub const NOT_FOUND: &str = "Siden findes ikke, eller du har ikke adgang til den.";
pub const LOGIN_REQUIRED: &str = "Du skal logge ind.";
pub const CSRF_FAILED: &str = "Formularen er udløbet. Gå tilbage, genindlæs siden og prøv igen.";
pub const INVALID_INPUT: &str = "Der er fejl i det indtastede.";
pub const CONFLICT: &str = "Forløbet er blevet ændret af en anden, mens du arbejdede. Genindlæs siden og prøv igen; intet af det gemte er gået tabt.";
pub const TOO_LARGE: &str = "Det sendte er for stort. En fil må højst fylde 10 MB. Gå tilbage og vælg en mindre fil; det, du har skrevet, er ikke gemt.";
pub const MALFORMED: &str = "Forespørgslen kunne ikke læses.";
pub const THROTTLED: &str = "For mange forkerte login-forsøg. Vent et kvarter, og prøv igen.";
pub const INTERNAL: &str = "Der skete en fejl hos os. Prøv igen om lidt. Oplys fejl-id'et, hvis du kontakter support.";
pub const BAD_LOGIN: &str = "Forkert brugernavn eller adgangskode.";
/// Said only after the right password: the login exists, and is closed.
pub const LOGIN_CLOSED: &str = "Din adgang er lukket. Kontakt din administrator, hvis du skal bruge Tovholder igen.";
/// Said only after the right password: the organisation logs in through its identity provider.
pub const SIGN_ON_ONLY: &str = "Din organisation logger ind med sin login-tjeneste. Brug knappen «Log ind med …» nedenfor.";
/// A password asked for a login of an organisation that logs in through its identity provider.
pub const NO_PASSWORDS_HERE: &str = "Organisationen logger ind med sin login-tjeneste, så der bruges ingen adgangskode her.";
pub const SIGN_ON_FIRST: &str = "Forbind først en login-tjeneste til organisationen (i konfigurationens [[oidc]]), så ingen bliver lukket ude.";
/// A document refused by the virus scanner, and the scanner not answering.
pub const VIRUS_FOUND: &str = "Filen indeholder virus eller anden skadelig kode og er ikke gemt. Kontakt den, der har sendt dig filen, og din IT-afdeling.";
pub const SCANNER_DOWN: &str = "Filen kan ikke tjekkes for virus lige nu, så den er ikke gemt. Prøv igen om lidt.";
pub const LOGGED_OUT: &str = "Du er logget ud.";
pub const MAIL_FOOTER: &str = "Denne e-mail er sendt automatisk af Tovholder og indeholder ingen personoplysninger. Svar ikke på den.";
pub const NEW_DOCUMENT_SUBJECT: &str = "Nyt dokument i Tovholder";
pub const NEW_MESSAGE_SUBJECT: &str = "Ny besked i Tovholder";
pub const NEW_MESSAGE_BODY: &str = "Du har fået en besked i et forløb i Tovholder. Læs den her:";
pub const REQUEST_SUBJECT: &str = "Ny henvendelse i Tovholder";
pub const REQUEST_BODY: &str = "En plejefamilie, du er fast kontaktperson for, har skrevet en henvendelse i Tovholder. Læs den og svar her:";
pub const ACUTE_REQUEST_SUBJECT: &str = "Akut henvendelse i Tovholder: du har vagten";
pub const ACUTE_REQUEST_BODY: &str = "En plejefamilie har brug for akut hjælp, og du har vagten. Ring til dem, og skriv bagefter i Tovholder, hvad der blev gjort:";
pub const ACUTE_REQUEST_CONTACT_SUBJECT: &str = "Akut henvendelse i Tovholder";
pub const ACUTE_REQUEST_CONTACT_BODY: &str = "En plejefamilie, du er fast kontaktperson for, har bedt om akut hjælp. Den, der har vagten, tager sig af det; følg op næste hverdag:";
pub const ACUTE_REQUEST_SMS: &str = "Tovholder: akut henvendelse fra en plejefamilie. Du har vagten. Se";
pub const NEW_DOCUMENT_BODY: &str = "Du har fået et dokument i et forløb i Tovholder.";

/// A refused save: who changed the same thing meanwhile, and when.
pub fn conflict_by(who: &str, when: &str) -> String {
    format!("Ikke gemt: {who} ændrede det samme {when}, mens du arbejdede. Se det nye nedenfor, og ret igen, hvis det stadig er nødvendigt. Intet af det gemte er gået tabt.")
}

// Meetings. Mails name the kind of meeting and its time, never the family.
pub const INVITATION_BODY_FAMILY: &str =
    "I er inviteret til et møde. Tid og sted står i kalenderinvitationen, som er vedhæftet. Jeres koordinator gennemgår dagsordenen med jer før mødet. Ring til koordinatoren, hvis I ikke kan komme.";
pub const INVITATION_ICS_FAMILY: &str = "Jeres koordinator gennemgår dagsordenen med jer før mødet.";
/// An invitation's place when it is not one of the organisations' registered meeting places.
pub const PLACE_IN_TOVHOLDER: &str = "Sted: se mødet i Tovholder.";
pub const PLACE_IN_TOVHOLDER_SHORT: &str = "Se mødet i Tovholder";
/// The family's invitation when the place is not in it (the family's pages show it).
pub const INVITATION_BODY_FAMILY_NO_PLACE: &str = "I er inviteret til et møde. Tiden står i kalenderinvitationen, som er vedhæftet; jeres koordinator fortæller jer, hvor mødet holdes, og gennemgår dagsordenen med jer før mødet. Ring til koordinatoren, hvis I ikke kan komme.";
pub const CANCELLED_BODY: &str = "Mødet er aflyst. Kalenderinvitationen er vedhæftet, så mødet kan fjernes fra kalenderen.";

pub fn invitation_subject(kind: &str) -> String {
    format!("Invitation: {kind}")
}

pub fn cancelled_subject(kind: &str) -> String {
    format!("Aflyst: {kind}")
}

/// An activity's invitation (one per session): the session's time, and a link where one signs up.
pub fn activity_invitation_body(when: &str, link: &str) -> String {
    format!("Du er inviteret til en aktivitet {when}. Sted og varighed står i kalenderinvitationen, som er vedhæftet.\n\nSe aktiviteten og tilmeld dig eller meld fra her:\n{link}")
}

pub fn activity_cancelled_body(when: &str) -> String {
    format!("Aktiviteten {when} er aflyst. Kalenderinvitationen er vedhæftet, så den kan fjernes fra kalenderen.")
}

pub const ACTIVITY_ICS_LINK: &str = "Tilmeld dig eller meld fra i Tovholder:";

pub fn invitation_body_staff(link: &str) -> String {
    format!(
        "Du er inviteret til et møde. Tid og sted står i kalenderinvitationen, som er vedhæftet. Dagsordenen sendes en uge før mødet.\n\nSkulle du blive forhindret i at komme, bedes du i samspil med din leder pege på en afløser og give koordinatoren besked.\n\nSe mødet i Tovholder:\n{link}"
    )
}

pub fn agenda_subject(kind: &str, date: &str) -> String {
    format!("Dagsorden: {kind} {date}")
}

pub fn agenda_body_staff(when: &str, link: &str) -> String {
    format!("Dagsordenen og deltagerlisten til mødet {when} er klar i Tovholder:\n{link}")
}

pub fn agenda_body_family(when: &str) -> String {
    format!("Mødet {when} nærmer sig. Jeres koordinator har dagsordenen og deltagerlisten og gennemgår dem gerne med jer.")
}

/// To a family member, who can log in: where the agenda, the participants and the preparation are.
pub fn on_family_pages(body: &str, link: &str) -> String {
    format!("{body}\n\nSe dagsordenen, hvem der kommer, og forbered jer på familiens sider:\n{link}")
}

// Passwords and the second factor. Mails carry a link, never a name.
pub const NO_EMAIL: &str = "Brugeren har ingen e-mailadresse at sende linket til.";
pub const WRONG_CURRENT_PASSWORD: &str = "Den nuværende adgangskode er forkert.";
pub const PASSWORDS_DIFFER: &str = "De to nye adgangskoder er ikke ens.";
pub const WELCOME_SUBJECT: &str = "Du er oprettet i Tovholder";
pub const RESET_SUBJECT: &str = "Ny adgangskode til Tovholder";
pub const RESET_ASKED: &str = "Hvis brugernavnet findes og har en e-mailadresse, har vi sendt et link til at vælge en ny adgangskode. Linket virker i 30 minutter.";
pub const LINK_USED: &str = "Linket er brugt eller udløbet. Bed om et nyt under »Glemt adgangskode«, eller kontakt din administrator.";
pub const PASSWORD_SET: &str = "Din adgangskode er gemt. Log ind med den nye adgangskode.";
pub const PASSWORD_CHANGED: &str = "Din adgangskode er skiftet. Du er logget ud alle andre steder.";
pub const BAD_CODE: &str = "Koden passer ikke. Skriv den kode, din app viser nu, eller en af dine reservekoder.";
pub const STEP_EXPIRED: &str = "Login-trinnet er udløbet. Log ind igen.";
pub const FACTOR_RESET: &str = "Totrinsbekræftelsen er nulstillet. Brugeren sætter den op igen ved næste login.";
pub const LINK_SENT: &str = "Linket til at vælge adgangskode er sendt.";

pub fn welcome_body(link: &str) -> String {
    format!("Du har fået et login til Tovholder. Vælg din adgangskode her (linket virker i 7 dage og kun én gang):\n{link}")
}

pub fn reset_body(link: &str) -> String {
    format!(
        "Nogen har bedt om en ny adgangskode til dit login i Tovholder. Vælg den her (linket virker i 30 minutter og kun én gang):\n{link}\n\nHar du ikke selv bedt om det, kan du se bort fra denne e-mail; din adgangskode er uændret."
    )
}

// Single sign-on.
pub const SSO_PROVIDER: &str = "Login-tjenesten svarede ikke, som den skulle. Prøv igen om lidt, eller log ind med brugernavn og adgangskode.";
pub const SSO_STATE: &str = "Login-forsøget er udløbet eller blev ikke startet her. Prøv igen.";
pub const SSO_TOKEN: &str = "Login-tjenestens svar kunne ikke godkendes. Prøv igen; sker det igen, så kontakt din administrator.";
pub const SSO_UNKNOWN: &str = "Du er ikke oprettet i Tovholder. Kontakt din administrator.";
pub const SSO_WRONG_ORGANISATION: &str = "Din organisation logger ikke ind med denne login-tjeneste. Vælg en anden, eller log ind med brugernavn og adgangskode.";

// The family's login and pages.
pub const FAMILY_INVITE_SUBJECT: &str = "Du er inviteret til familiens sider i Tovholder";
pub const FAMILY_LINK_SUBJECT: &str = "Dit link til Tovholder";
pub const FAMILY_CODE_SUBJECT: &str = "Din kode til Tovholder";
pub const FAMILY_NO_EMAIL: &str = "Personen har ingen e-mailadresse i forløbet. Tilføj den først.";
pub const FAMILY_NOT_MEMBER: &str = "Kun familiens medlemmer af forløbet kan inviteres.";
pub const FAMILY_EMAIL_OFF: &str = "Familien logger ind med MitID her, så der sendes ingen links.";
pub const FAMILY_LINK_GONE: &str = "Linket er brugt eller udløbet. Bed om et nyt herunder.";
pub const FAMILY_CODE_WRONG: &str = "Koden er forkert. Tjek, at du har skrevet de seks cifre fra den nyeste e-mail.";
pub const FAMILY_CODE_GONE: &str = "Koden er udløbet eller brugt for mange gange. Bed om et nyt link.";
pub const FAMILY_LINK_SENT: &str = "Hvis adressen hører til en familie i Tovholder, har vi sendt et link til den. Linket virker i 15 minutter.";
pub const SSO_NO_FAMILY: &str = "Vi kan ikke finde dig i et forløb i Tovholder. Spørg jeres kontaktperson i kommunen.";
pub const FAMILY_INVITED: &str = "Invitationen er sendt.";
pub const FAMILY_SIGNED: &str = "Din underskrift er registreret.";
pub const FAMILY_CONSENT_GIVEN: &str = "Dit samtykke er givet og skrevet under. Du kan altid trække det tilbage her på siden.";
pub const FAMILY_PREPARED: &str = "Dine svar er gemt. Koordinatoren kan læse dem før mødet, og du kan rette dem indtil mødet.";
pub const FAMILY_WISHES: &str = "Dine ønsker er gemt. De voksne læser dem før mødet.";
pub const FAMILY_REQUEST_SENT: &str = "Din henvendelse er sendt til jeres faste kontaktperson. Svaret kommer under Beskeder, og du får en e-mail, når der er svar.";
pub const FAMILY_ACUTE_SENT: &str = "Din akutte henvendelse er sendt til den, der har vagten. Ring også til vagttelefonen, hvis I har brug for hjælp nu.";
pub const FAMILY_MESSAGE_SENT: &str = "Din besked er sendt. Du får svar her, og en e-mail, når der er svar.";
pub const FAMILY_REVOKED: &str = "Samtykket er tilbagekaldt. Fra nu af kan modtagerne ikke se oplysningerne.";

pub fn family_invite_body(link: &str) -> String {
    format!(
        "Du er inviteret til familiens sider i Tovholder. Der kan du se, hvad der skal ske og hvornår, hvem der er hvem, jeres aftaler, planen og dine samtykker.\n\nÅbn linket og tryk «Fortsæt»:\n{link}\n\nBagefter sender vi en kode på seks cifre til denne adresse. Linket virker én gang og i 14 dage. Har du ikke ventet denne e-mail, kan du se bort fra den."
    )
}

pub fn family_link_body(link: &str) -> String {
    format!("Her er dit link til familiens sider i Tovholder. Åbn det og tryk «Fortsæt»:\n{link}\n\nLinket virker én gang og i 15 minutter. Har du ikke bedt om det, kan du se bort fra denne e-mail.")
}

pub fn family_code_body(code: &str) -> String {
    format!("Din kode til Tovholder er:\n\n{code}\n\nSkriv den på siden, hvor du trykkede «Fortsæt». Koden virker i 15 minutter. Har du ikke bedt om den, kan du se bort fra denne e-mail.")
}

/// A family member with name and address protection, where anyone but staff and themselves reads.
pub const PROTECTED_NAME: &str = "Navn beskyttet";
