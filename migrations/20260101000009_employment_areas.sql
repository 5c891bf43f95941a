-- Reference data for the languages work: the municipalities where the Sámi Language Act
-- applies to the municipal authorities. Sámi Language Act (saamen kielilaki, 1086/2003)
-- § 2 (1) names the organs of the municipalities of Enontekiö, Inari, Sodankylä and Utsjoki
-- (and of joint authorities one of them belongs to); the Act's further duties attach to
-- "the Sámi homeland" (saamelaisten kotiseutualue), which the Act on the Sámi Parliament
-- (974/1995) § 4 defines. Checked: the text of 1086/2003 § 2 at finlex.fi, which names the
-- four municipalities. Unverified here: what 1086/2003 § 4 says (not read; the section that
-- names the municipalities is § 2), and, from memory only, that 974/1995 § 4 covers just
-- the northern part of Sodankylä (the Lappi reindeer herding cooperative). This flag marks
-- the four municipalities whole, which is what the municipal duties of 1086/2003 § 2 follow.
--
-- Reference tables stay readable by every database role (20260101000008_database_roles.sql
-- grants SELECT on the whole table), so nothing new is granted.

ALTER TABLE municipalities ADD COLUMN sami_homeland boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN municipalities.sami_homeland IS
    'Enontekiö, Inari, Sodankylä, Utsjoki: the municipalities named in the Sámi Language Act 1086/2003 § 2';

UPDATE municipalities SET sami_homeland = true WHERE code IN ('047', '148', '758', '890');
