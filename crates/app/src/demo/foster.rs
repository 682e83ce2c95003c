//! The demo's foster family: Susanne and Michael Holm care for Malthe Brandt, supported by
//! Julemærkehjemmet Fjordlyst (Mette is their fixed contact; Jonas and Mette share the on-call
//! duty) under Egeskov's bevilling: Frida Mørk of the familiepleje opened it and is the
//! familieplejekonsulent, Karim Aziz the myndighedssagsbehandler. Susanne
//! has asked for support twice (one answered, one waiting), the quarterly coordination meeting
//! is planned, and Malthe is booked on Fjordlyst's next respite weekend. Fjordlyst has invited
//! its foster families to a supervision series and planned the municipalities' network meeting;
//! Karim has named Sara his deputy for a fortnight's holiday. Malthe's mother, Lene Brandt, is on the course and never sees where he lives.

use tovholder_core::cpr::Cpr;
use tovholder_core::ids::CourseId;
use tovholder_core::meetings::Who;
use tovholder_core::respite::Offer;

use super::Seeder;
use crate::actions::{self, Command, FamilyMember, Registration};
use crate::error::AppError;
use crate::family::{FamilyAction, FamilyCourse};

/// The foster family's organisation: its name is its address, which the child's parents never see.
pub const FOSTER_FAMILY: &str = "Plejefamilien Holm, Engvej 4, Egeskov";

impl Seeder<'_> {
    pub(super) async fn foster_family(&mut self) -> Result<(), AppError> {
        let cpr = Cpr::parse("080815-4127").map_err(|e| AppError::Internal(e.to_string()))?;
        let member = |role: &str, name: &str, email: Option<&str>, cpr: Option<Cpr>, custody: Option<bool>| FamilyMember {
            role: role.into(),
            name: name.into(),
            email: email.map(str::to_string),
            cpr,
            custody,
            protected: false,
        };
        let reg = Registration {
            model: "plejefamilie_stoette".into(),
            parties: [
                ("kommune".to_string(), self.orgs["Egeskov Kommune"]),
                ("institution".to_string(), self.orgs["Julemærkehjemmet Fjordlyst"]),
                ("plejefamilie".to_string(), self.orgs[FOSTER_FAMILY]),
            ]
            .into(),
            family: vec![
                member("barn", "Malthe Brandt", None, Some(cpr), None),
                member("plejeforaelder", "Susanne Holm", Some("susanne.holm@familie.example"), None, None),
                member("plejeforaelder", "Michael Holm", Some("michael.holm@familie.example"), None, None),
                member("foraelder", "Lene Brandt", Some("lene.brandt@familie.example"), None, Some(true)),
            ],
            dates: [("bevilling".to_string(), self.day(-60))].into(),
            decisions: Default::default(),
        };
        let id = actions::open_course(self.app, &self.as_user("frida")?, reg).await?;
        self.courses.insert("Malthe", id);
        let bevilling = "Støtte fra døgninstitution efter barnets lov: fast kontaktperson, adgang til beredskab og tilbud om supervision, 6 timer om måneden.";
        self.run(
            "frida",
            id,
            vec![Command::SetDates { dates: [("bevilling_til".to_string(), self.day(305))].into(), reason: None }, Command::RecordField { field: "bevilling".into(), value: bevilling.into() }],
        )
        .await?;
        let frida = self.users["frida"].person;
        self.run(
            "frida",
            id,
            vec![
                Command::Appoint { role: "familieplejekonsulent".into(), person: frida, handover: None },
                Command::Appoint { role: "myndighedssagsbehandler".into(), person: self.users["karim"].person, handover: None },
            ],
        )
        .await?;
        self.run("jonas", id, vec![Command::Appoint { role: "kontaktperson".into(), person: self.users["mette"].person, handover: None }]).await?;
        self.run("mette", id, vec![Command::SetDates { dates: [("foerste_samtale".to_string(), self.day(-50))].into(), reason: None }]).await?;
        let start = self.day(21).at(13, 0, 0, 0);
        let attendees = vec![Who::Person(frida), Who::Person(self.users["karim"].person), Who::Person(self.users["mette"].person)];
        self.run(
            "frida",
            id,
            vec![Command::PlanMeeting { meeting: None, kind: "koordinering".into(), start: Some(start), minutes: None, place: "Egeskov Rådhus, mødelokale 1".into(), attendees, agenda: None }],
        )
        .await?;
        self.requests(id).await?;
        self.respite(id).await
    }

    /// Fjordlyst offers a weekend stay and a summer camp; Frida books Malthe on the weekend.
    async fn respite(&self, id: CourseId) -> Result<(), AppError> {
        let org = self.orgs["Julemærkehjemmet Fjordlyst"];
        let friday = (1..=7).map(|n| self.day(n)).find(|d| d.weekday() == jiff::civil::Weekday::Friday).unwrap_or(self.today);
        let sunday = friday.tomorrow().and_then(|d| d.tomorrow()).unwrap_or(friday);
        let camp = self.day(60);
        let now = self.app.clock.now();
        let weekend = Offer { id: 0, org, kind: "weekend".into(), title: "Weekend på Fjordlyst".into(), from: friday, to: sunday, capacity: 4 };
        let offer = self.app.store.add_respite_offer(&weekend, self.users["jonas"].person, now).await?;
        let summer = Offer { id: 0, org, kind: "ferie".into(), title: "Sommerlejr ved fjorden".into(), from: camp, to: self.day(64), capacity: 6 };
        self.app.store.add_respite_offer(&summer, self.users["jonas"].person, now).await?;
        let c = self.course("frida", id).await?;
        crate::respite::book(self.app, &c, offer, friday, sunday).await.map(|_| ())
    }

    /// Fjordlyst's activities: a supervision series for its foster families (the Holms are
    /// invited; Susanne has signed up) and next year's network meeting for the municipalities,
    /// planned with its computed list but not sent yet, so a newcomer can look it over and send.
    pub(super) async fn activities(&self) -> Result<(), AppError> {
        let jonas = self.as_user("jonas")?;
        let evening = |days: i64| self.day(days).at(17, 0, 0, 0);
        let plan = crate::activities::Plan {
            kind: "plejefamilie_stoette:supervision".into(),
            title: "Supervision for plejefamilier, vinter".into(),
            place: "Julemærkehjemmet Fjordlyst, mødelokalet, Fjordvej 12".into(),
            capacity: 8,
            sessions: vec![(evening(14), 120), (evening(28), 120), (evening(42), 120)],
        };
        let id = crate::activities::plan(self.app, &jonas, plan).await?;
        crate::activities::send_invitations(self.app, &jonas, id).await?;
        let susanne = self.app.store.family_by_email("susanne.holm@familie.example").await?.into_iter().next().ok_or(AppError::NotFound)?;
        crate::activities::answer(self.app, crate::activities::Viewer::Family(&susanne), id, true).await?;
        let meeting = crate::activities::Plan {
            kind: "julemaerkehjem:netvaerksmoede".into(),
            title: "Netværksmøde for kommunerne".into(),
            place: "Julemærkehjemmet Fjordlyst, Fjordvej 12".into(),
            capacity: 40,
            sessions: vec![(self.day(56).at(10, 0, 0, 0), 180)],
        };
        crate::activities::plan(self.app, &jonas, meeting).await?;
        // Karim goes on holiday in six weeks: Sara stands in for him, in his courses.
        crate::deputies::name(self.app, &self.as_user("karim")?, self.users["sara"].person, self.day(45), self.day(58)).await.map(|_| ())
    }

    /// Susanne asks about contact with Malthe's mother (Mette answers) and about school (waiting).
    async fn requests(&self, id: CourseId) -> Result<(), AppError> {
        let c = self.course("mette", id).await?;
        let susanne = self.app.store.persons(&[self.person_in(&c.state, "plejeforaelder", 0)]).await?.into_iter().next().ok_or(AppError::NotFound)?;
        let ask = async |topic: &str, urgency: &str, text: &str| {
            let fc = FamilyCourse::load(self.app, &susanne, id, "demo:seed").await?;
            crate::family::perform(self.app, &fc, FamilyAction::Request { topic: topic.into(), urgency: urgency.into(), text: text.into() }).await
        };
        ask("samvaer", "snart", "Malthe er urolig i dagene efter samvær med sin mor. Hvordan kan vi tage imod ham bedst, når han kommer hjem?").await?;
        let thread = self.course("mette", id).await?.state.requests.last().map_or(0, |r| r.thread);
        let answer = "Tak fordi I skriver. Det er meget almindeligt. Lav en rolig aften uden planer, og lad ham selv fortælle. Jeg ringer i morgen, så vi kan tale om en fast overgang.";
        self.run("mette", id, vec![Command::PostMessage { thread, text: answer.into(), file: None }]).await?;
        ask("skole", "almindelig", "Skolen foreslår et møde om Malthes trivsel. Vil du være med?").await
    }
}
