//! The closed sets of the service catalogue: what kind of service, and what
//! kind of organisation provides it.

code_enum! {
    /// What a catalogue service is, as oversight counts it.
    ServiceCategory {
        /// Omavalmennus / egencoachning.
        PersonalCoaching => "personal_coaching",
        /// Työpaja / verkstad.
        Workshop => "workshop",
        Training => "training",
        /// Kuntouttava työtoiminta / arbetsverksamhet i rehabiliteringssyfte.
        RehabilitativeWork => "rehabilitative_work",
        /// Työkokeilu / arbetsprövning.
        WorkTrial => "work_trial",
        /// Palkkatuettu työ / lönesubventionerat arbete.
        PaySubsidisedEmployment => "pay_subsidised_employment",
        /// Oppisopimus / läroavtal.
        Apprenticeship => "apprenticeship",
        /// Näyttötutkinto, osaamisen tunnistaminen.
        SkillsDemonstration => "skills_demonstration",
        /// Työllisyysavustus / sysselsättningsbidrag.
        EmploymentGrant => "employment_grant",
        Other => "other",
    }
}

code_enum! {
    /// What kind of organisation a partner is.
    PartnerKind {
        /// Ammatillinen oppilaitos (Careeria, Prakticum).
        VocationalSchool => "vocational_school",
        /// Kehitysyhtiö (Posintra).
        DevelopmentCompany => "development_company",
        /// Kolmas sektori (Stiftelsen Sotek, Samaria rf).
        ThirdSector => "third_sector",
        Company => "company",
        MunicipalUnit => "municipal_unit",
        Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_values_round_trip() {
        for c in ServiceCategory::ALL {
            assert_eq!(ServiceCategory::from_code(c.code()), Some(*c));
        }
        for k in PartnerKind::ALL {
            assert_eq!(PartnerKind::from_code(k.code()), Some(*k));
        }
    }
}
