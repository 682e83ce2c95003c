//! Demo families for the meeting models: the Bak family in Furesø's Familiens Fremtid (a held
//! network meeting with minutes, agreements and plan 1.0; the next one planned and invited) and
//! Jonas Friis in Ballerup's youth model (a caseworker's call is due: no meeting is booked).

use jiff::ToSpan;
use jiff::civil::Date;
use tovholder_core::consent::Recipient;
use tovholder_core::cpr::Cpr;
use tovholder_core::family_plan::{Intervention, Quadrant};
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::meetings::{Minutes, Round, Who};

use super::Seeder;
use crate::actions::{self, Command, FamilyMember, Registration};
use crate::error::AppError;

impl Seeder<'_> {
    pub(super) async fn families(&mut self) -> Result<(), AppError> {
        let bak = self.bak().await?;
        self.courses.insert("Sofie", bak);
        let friis = self.friis().await?;
        self.courses.insert("Jonas", friis);
        self.noahs_consent().await
    }

    /// Noah's parent lets Egeskov's Jobcentret and school and the region's child psychiatry
    /// follow his stay, so their logins (ole, pia, rikke) see what reading by consent is.
    async fn noahs_consent(&self) -> Result<(), AppError> {
        let id = self.courses["Noah"];
        let c = self.course("tove", id).await?;
        let (noah, parent) = (self.person_in(&c.state, "barn", 0), self.person_in(&c.state, "foraelder", 0));
        let egeskov = self.orgs["Egeskov Kommune"];
        let recipients = vec![
            Recipient { org: egeskov, department: Some("Jobcentret".into()) },
            Recipient { org: egeskov, department: Some("Folkeskole".into()) },
            Recipient { org: self.orgs["Region Syd, Børne- og Ungdomspsykiatrien"], department: None },
        ];
        self.run(
            "tove",
            id,
            vec![Command::RecordConsent {
                giver: parent,
                about: vec![noah],
                recipients,
                network: vec![],
                kinds: vec!["forloeb".into(), "beskeder".into()],
                purpose: "At de valgte parter kan følge barnets forløb med Julemærkehjemmet og støtte barnet og familien før, under og efter opholdet.".into(),
                valid_from: self.day(-40),
                valid_to: self.day(200),
            }],
        )
        .await?;
        let consent = self.course("tove", id).await?.state.consents.len() as u32;
        self.run("tove", id, vec![Command::SignConsent { consent, by: parent, how: "På papir ved indkaldelsen".into(), on: self.day(-40) }]).await
    }

    pub(super) async fn run(&self, user: &str, id: CourseId, ops: Vec<Command>) -> Result<(), AppError> {
        let c = self.course(user, id).await?;
        actions::perform(self.app, &c, ops).await
    }

    pub(super) fn person_in(&self, id_state: &tovholder_core::course::CourseState, role: &str, n: usize) -> PersonId {
        id_state.holders(role).nth(n).unwrap_or(PersonId(0))
    }

    async fn bak(&mut self) -> Result<CourseId, AppError> {
        let cpr = |s: &str| Cpr::parse(s).map_err(|e| AppError::Internal(e.to_string()));
        let reg = Registration {
            model: "familiens_fremtid".into(),
            parties: [("kommune".to_string(), self.orgs["Furesø Kommune"])].into(),
            family: vec![
                FamilyMember {
                    role: "voksen".into(),
                    name: "Louise Bak".into(),
                    email: Some("louise.bak@familie.example".into()),
                    cpr: Some(cpr("150388-4316")?),
                    custody: Some(true),
                    protected: false,
                },
                FamilyMember { role: "barn".into(), name: "Sofie Bak".into(), email: None, cpr: Some(cpr("030510-4122")?), custody: None, protected: false },
                FamilyMember { role: "barn".into(), name: "Malthe Bak".into(), email: None, cpr: Some(cpr("220915-4551")?), custody: None, protected: false },
            ],
            dates: [("visiteret".to_string(), self.day(-75))].into(),
            decisions: Default::default(),
        };
        let id = actions::open_course(self.app, &self.as_user("hanne")?, reg).await?;
        let (hanne, bo, gitte, emil) = (self.users["hanne"].person, self.users["bo"].person, self.users["gitte"].person, self.users["emil"].person);
        let furesoe = self.orgs["Furesø Kommune"];
        self.run(
            "hanne",
            id,
            vec![
                Command::Appoint { role: "koordinator".into(), person: hanne, handover: None },
                Command::Appoint { role: "moedeleder".into(), person: bo, handover: None },
                Command::SetPhase { phase: "visitation".into(), on: self.day(-75) },
            ],
        )
        .await?;
        for (phase, on) in [("tillid", -70), ("udredning", -55), ("plan_1", -35)] {
            self.run("hanne", id, vec![Command::SetPhase { phase: phase.into(), on: self.day(on) }]).await?;
        }
        self.run("hanne", id, vec![Command::CompleteTask { task: "screening".into(), outcome: "holdt".into(), note: None }]).await?;
        let c = self.course("hanne", id).await?;
        let (louise, sofie, malthe) = (self.person_in(&c.state, "voksen", 0), self.person_in(&c.state, "barn", 0), self.person_in(&c.state, "barn", 1));
        // The family's consent: Sundhedsplejen, Jobcentret and the school see the course and
        // get the plan; Sofie is over 15 and signs too.
        let recipients = ["Sundhedsplejen", "Jobcentret", "Folkeskole", "Familierådgivningen"].iter().map(|d| Recipient { org: furesoe, department: Some(d.to_string()) }).collect();
        self.run(
            "hanne",
            id,
            vec![Command::RecordConsent {
                giver: louise,
                about: vec![sofie, malthe],
                recipients,
                network: vec![],
                kinds: vec!["forloeb".into(), "familieplan".into()],
                purpose: "I arbejdet med familieplanen at kunne udveksle oplysninger med de valgte samarbejdsparter.".into(),
                valid_from: self.day(-60),
                valid_to: self.day(300),
            }],
        )
        .await?;
        self.run(
            "hanne",
            id,
            vec![
                Command::SignConsent { consent: 1, by: louise, how: "På papir ved screeningsmødet".into(), on: self.day(-60) },
                Command::SignConsent { consent: 1, by: sofie, how: "På papir ved screeningsmødet".into(), on: self.day(-60) },
            ],
        )
        .await?;
        let net = |quadrant, name: &str, relation: &str, email: &str, phone: &str, person| Command::SetNetwork {
            entry: None,
            quadrant,
            name: name.into(),
            relation: relation.into(),
            email: email.into(),
            phone: phone.into(),
            person,
        };
        self.run(
            "hanne",
            id,
            vec![
                net(Quadrant::Familie, "Inge Bak", "Mormor", "inge.bak@familie.example", "20 11 22 33", None),
                net(Quadrant::Venner, "Ahmed Nasser", "Nabo, Malthes fodboldtræner", "", "", None),
                net(Quadrant::Arbejde, "Lise Holm", "Klasselærer 8.b, Farum Skole", "lise.holm@skole.example", "", None),
                net(Quadrant::Professionelle, "Gitte Skov", "Sundhedsplejerske, Sundhedsplejen", "gitte@furesoe.example", "", Some(gitte)),
                net(Quadrant::Professionelle, "Emil Juhl", "Jobkonsulent, Jobcentret", "emil@furesoe.example", "", Some(emil)),
            ],
        )
        .await?;
        // Louise lets her mother, Inge, have the plan: a person of the network named in a consent
        // logs in to the family's pages (the demo prints her login too).
        self.run(
            "hanne",
            id,
            vec![
                Command::RecordConsent {
                    giver: louise,
                    about: vec![sofie, malthe],
                    recipients: vec![],
                    network: vec![1],
                    kinds: vec!["familieplan".into()],
                    purpose: "Mormor Inge får familieplanen og ser de møder, hun er inviteret til.".into(),
                    valid_from: self.day(-45),
                    valid_to: self.day(300),
                },
                Command::SignConsent { consent: 2, by: louise, how: "På papir ved mødet".into(), on: self.day(-45) },
                Command::SignConsent { consent: 2, by: sofie, how: "På papir ved mødet".into(), on: self.day(-45) },
            ],
        )
        .await?;
        let attendees = vec![Who::Person(louise), Who::Person(hanne), Who::Person(bo), Who::Network(1), Who::Network(3), Who::Network(4), Who::Network(5)];
        let place = "Familiens Fremtid, mødelokale 2, Paltholmterrasserne 1, 3520 Farum";
        // The first network meeting, a month ago, with minutes, agreements and plan 1.0.
        self.run(
            "hanne",
            id,
            vec![Command::PlanMeeting {
                meeting: None,
                kind: "netvaerksmoede".into(),
                start: Some(self.day(-30).at(9, 0, 0, 0)),
                minutes: None,
                place: place.into(),
                attendees: attendees.clone(),
                agenda: None,
            }],
        )
        .await?;
        self.run(
            "hanne",
            id,
            vec![
                Command::RecordApology { meeting: 1, who: Who::Network(5), substitute: "Karen Due, jobkonsulent".into() },
                Command::TickChecklist { meeting: 1, step: "brev".into(), on: self.day(-50) },
                Command::TickChecklist { meeting: 1, step: "moede_1".into(), on: self.day(-45) },
                Command::TickChecklist { meeting: 1, step: "netvaerksmoede".into(), on: self.day(-30) },
                Command::RecordMinutes {
                    meeting: 1,
                    minutes: Minutes {
                        present: vec![Who::Person(louise), Who::Person(hanne), Who::Person(bo), Who::Network(3), Who::Network(4)],
                        story: "Louise fortæller, at morgenerne er svære, og at Sofie ofte bliver hjemme. Malthe er glad for fodbold.".into(),
                        best_hope: "At Sofie kommer i skole hver dag, og at der bliver mere ro om morgenen.".into(),
                        rounds: vec![
                            Round { who: Who::Network(3), works: "Sofie deltager godt, når hun er der.".into(), challenges: "Højt fravær, især mandage.".into() },
                            Round { who: Who::Network(4), works: "Tæt kontakt med Louise.".into(), challenges: "Malthes søvn.".into() },
                        ],
                        dialogue: "Netværket aftalte en fælles morgenplan og ugentlig kontakt mellem skole og hjem.".into(),
                    },
                },
                Command::MakeAgreement { meeting: Some(1), what: "Louise og Sofie laver en morgenplan og hænger den op".into(), responsible: Some(Who::Person(louise)), due: Some(self.day(5)) },
                Command::MakeAgreement { meeting: Some(1), what: "Skolen ringer hjem ved fravær inden kl. 9".into(), responsible: Some(Who::Network(3)), due: Some(self.day(20)) },
                Command::MakeAgreement { meeting: Some(1), what: "Sundhedsplejen tilbyder samtale om søvn".into(), responsible: Some(Who::Network(4)), due: Some(self.day(3)) },
            ],
        )
        .await?;
        self.run(
            "hanne",
            id,
            vec![
                Command::SetGoal {
                    goal: None,
                    parent: None,
                    text: "Sofie kommer i skole hver dag".into(),
                    when: "Inden sommerferien".into(),
                    who: "Sofie og Louise".into(),
                    criteria: "Fravær under 5 %".into(),
                    reached: false,
                },
                Command::SetGoal { goal: None, parent: Some(1), text: "Fast morgenrutine".into(), when: "Fra december".into(), who: "Louise".into(), criteria: String::new(), reached: false },
                Command::SetGoal {
                    goal: None,
                    parent: None,
                    text: "Louise kommer tættere på job".into(),
                    when: "Inden for et år".into(),
                    who: "Louise og Jobcentret".into(),
                    criteria: String::new(),
                    reached: false,
                },
                Command::Measure { indicator: "fravaer".into(), person: Some(sofie), on: Some(self.day(-90)), value: "32,5".into() },
                Command::Measure { indicator: "fravaer".into(), person: Some(sofie), on: Some(self.day(-60)), value: "24".into() },
                Command::Measure { indicator: "fravaer".into(), person: Some(sofie), on: Some(self.day(-7)), value: "12,5".into() },
                Command::SetIntervention(Intervention {
                    person: Some(sofie),
                    plan: "Handleplan (§ 140)".into(),
                    offer: "Kontaktperson".into(),
                    hours: "3".into(),
                    follow_up: "Hver 3. måned".into(),
                    start: Some(self.day(-40)),
                    purpose: "Støtte til skolegang".into(),
                    goal: "Fravær under 5 %".into(),
                    responsible: "Familierådgivningen".into(),
                    who_does_what: "Kontaktpersonen følger Sofie i skole mandag morgen.".into(),
                    ..Default::default()
                }),
                Command::SetIntervention(Intervention {
                    person: Some(louise),
                    plan: "Jobplan".into(),
                    offer: "Mentor".into(),
                    hours: "2".into(),
                    follow_up: "Hver 4. uge".into(),
                    start: Some(self.day(-20)),
                    purpose: "Afklaring af job".into(),
                    goal: "Praktik inden sommer".into(),
                    responsible: "Jobcentret".into(),
                    who_does_what: "Mentoren mødes med Louise hver anden uge.".into(),
                    ..Default::default()
                }),
                Command::RecordStatus { person: sofie, text: "Fraværet er faldet fra 32,5 % til 12,5 %.".into() },
            ],
        )
        .await?;
        self.run("hanne", id, vec![Command::IssuePlan { meeting: Some(1) }, Command::SendPlan { doc: 0 }]).await?;
        // The next network meeting, in ten days, invited.
        let next = self.day(10);
        let next = tovholder_core::calendar::working_day_on_or_after(next).unwrap_or(next);
        self.run(
            "hanne",
            id,
            vec![Command::PlanMeeting { meeting: None, kind: "netvaerksmoede".into(), start: Some(next.at(9, 0, 0, 0)), minutes: None, place: place.into(), attendees, agenda: None }],
        )
        .await?;
        self.run("hanne", id, vec![Command::SendInvitations { meeting: 2 }]).await?;
        Ok(id)
    }

    async fn friis(&mut self) -> Result<CourseId, AppError> {
        let reg = Registration {
            model: "ballerup_unge".into(),
            parties: [("kommune".to_string(), self.orgs["Ballerup Kommune"])].into(),
            family: vec![
                FamilyMember {
                    role: "ung".into(),
                    name: "Jonas Friis".into(),
                    email: Some("jonas.friis@familie.example".into()),
                    cpr: Some(Cpr::parse("110611-4137").map_err(|e| AppError::Internal(e.to_string()))?),
                    custody: None,
                    protected: false,
                },
                FamilyMember { role: "foraelder".into(), name: "Mads Friis".into(), email: Some("mads.friis@familie.example".into()), cpr: None, custody: Some(true), protected: false },
            ],
            dates: [("underretning".to_string(), self.day(-110))].into(),
            decisions: Default::default(),
        };
        let id = actions::open_course(self.app, &self.as_user("camilla")?, reg).await?;
        let camilla = self.users["camilla"].person;
        self.run(
            "camilla",
            id,
            vec![
                Command::Appoint { role: "sagsbehandler".into(), person: camilla, handover: None },
                Command::SetDates { dates: [("foerste_kontakt".to_string(), self.day(-100))].into(), reason: None },
            ],
        )
        .await?;
        let c = self.course("camilla", id).await?;
        let (jonas, mads) = (self.person_in(&c.state, "ung", 0), self.person_in(&c.state, "foraelder", 0));
        let people = vec![Who::Person(jonas), Who::Person(mads), Who::Person(camilla)];
        self.run(
            "camilla",
            id,
            vec![Command::PlanMeeting {
                meeting: None,
                kind: "startmoede".into(),
                start: Some(self.day(-90).at(14, 0, 0, 0)),
                minutes: None,
                place: "Ballerup Rådhus, mødelokale 3, Hold-An Vej 7, 2750 Ballerup".into(),
                attendees: people,
                agenda: None,
            }],
        )
        .await?;
        let held: Date = self.day(-90);
        self.run(
            "camilla",
            id,
            vec![
                Command::MakeAgreement { meeting: Some(1), what: "Jonas møder i skole kl. 8 alle dage".into(), responsible: Some(Who::Person(jonas)), due: Some(self.day(14)) },
                Command::SetGoal {
                    goal: None,
                    parent: None,
                    text: "Jonas gennemfører 9. klasse".into(),
                    when: "Sommeren".into(),
                    who: "Jonas".into(),
                    criteria: "Fravær under 10 %, karakterer på mindst 4".into(),
                    reached: false,
                },
                Command::Measure { indicator: "fravaer".into(), person: Some(jonas), on: Some(held), value: "36,6".into() },
                Command::Measure { indicator: "fravaer".into(), person: Some(jonas), on: Some(held.checked_add(6.weeks()).unwrap_or(held)), value: "18".into() },
                Command::Measure { indicator: "fravaer".into(), person: Some(jonas), on: Some(self.day(-3)), value: "4".into() },
            ],
        )
        .await?;
        Ok(id)
    }
}
