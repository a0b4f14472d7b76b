-- leadscore: model acme-b2b version 1, dialect postgres
-- scores as of 2026-01-01T00:00:00Z; reads two relations:
--   contacts(contact_id, age (integer), country (string), industry (string), employees (integer), job_title (string), budget (number))
--   events(event_id, contact_id, type, timestamp (UTC), is_bot, form, url)  -- one row per event_id; text properties
-- typed and checked as `leadscore score` leaves them: `timestamp` a TIMESTAMP, not text;
-- no bad rows, no repeated contact_id or event_id (a raw file read as is may not bind)
WITH events_in AS (
  SELECT
    "contact_id",
    "type",
    CAST(CAST(EXTRACT(EPOCH FROM "timestamp") * 1000000 AS BIGINT) AS BIGINT) AS "ts_us",
    "is_bot",
    "form",
    "url",
    LOWER("form") AS "form__lower",
    LOWER("url") AS "url__lower"
  FROM events
), scope AS (
  SELECT
    "contact_id",
    "ts_us",
    "m0"
  FROM (
    SELECT
      "contact_id",
      "ts_us",
      CASE
        WHEN LOWER("is_bot") = 'true'
        THEN CAST(0 AS BIGINT)
        ELSE CASE
          WHEN "type" = 'demo_request'
          THEN CAST(1 AS BIGINT)
          WHEN "type" = 'email_click'
          THEN CAST(8 AS BIGINT)
          WHEN "type" = 'form_submit'
          THEN CASE
            WHEN CASE
              WHEN "form" IS NULL
              THEN FALSE
              ELSE "form__lower" COLLATE "C" = LOWER('newsletter') COLLATE "C"
            END
            THEN CAST(4 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END
          WHEN "type" = 'page_view'
          THEN CASE
            WHEN (
              CAST(1767225600000000 AS BIGINT) - "ts_us"
            ) < CAST(2592000000000 AS BIGINT)
            AND CASE WHEN "url" IS NULL THEN FALSE ELSE "url__lower" LIKE LOWER('%/pricing%') END
            THEN CAST(16 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END | CASE
            WHEN CASE WHEN "url" IS NULL THEN FALSE ELSE "url__lower" LIKE LOWER('%/careers%') END
            THEN CAST(32 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END
          WHEN "type" = 'trial_start'
          THEN CAST(2 AS BIGINT)
          WHEN "type" = 'unsubscribe'
          THEN CAST(64 AS BIGINT)
          ELSE CAST(0 AS BIGINT)
        END
      END AS "m0"
    FROM events_in
    WHERE
      "ts_us" <= CAST(1767225600000000 AS BIGINT)
  ) AS typed
  WHERE
    "m0" <> CAST(0 AS BIGINT)
), event_rules AS (
  SELECT
    "contact_id",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(1 AS BIGINT)
      ) <> 0) AS "a0",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(2 AS BIGINT)
      ) <> 0) AS "a1",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(4 AS BIGINT)
      ) <> 0) AS "a2",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(16 AS BIGINT)
      ) <> 0) AS "a4",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(32 AS BIGINT)
      ) <> 0) AS "a5",
    COUNT(*) FILTER(WHERE
      (
        "m0" & CAST(64 AS BIGINT)
      ) <> 0) AS "a6",
    MAX("ts_us") FILTER(WHERE
      (
        "m0" & CAST(31 AS BIGINT)
      ) <> 0) AS "l0"
  FROM scope
  GROUP BY
    "contact_id"
), event_rule_a3 AS (
  SELECT
    "contact_id",
    SUM(
      CAST(3.0 AS DOUBLE PRECISION) * CASE
        WHEN (
          CAST(1767225600000000 AS BIGINT) - "ts_us"
        ) > CAST(2783808000000000 AS BIGINT)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE EXP(
          CAST((
            "ts_us" - CAST(1767225600000000 AS BIGINT)
          ) AS DOUBLE PRECISION) * CAST(2.674178937345468e-13 AS DOUBLE PRECISION)
        )
      END
    ) AS "a3"
  FROM (
    SELECT
      "contact_id",
      "ts_us",
      ROW_NUMBER() OVER (PARTITION BY "contact_id" ORDER BY "ts_us" DESC NULLS LAST) AS "rn"
    FROM (
      SELECT
        "contact_id",
        MAX("ts_us") AS "ts_us"
      FROM scope
      WHERE
        (
          "m0" & CAST(8 AS BIGINT)
        ) <> 0
      GROUP BY
        "contact_id",
        CASE
          WHEN "ts_us" >= 0
          THEN "ts_us" / CAST(86400000000 AS BIGINT)
          ELSE -(
            (
              -"ts_us" - 1
            ) / CAST(86400000000 AS BIGINT)
          ) - 1
        END
    ) AS kept
  ) AS ranked
  WHERE
    "rn" <= 5
  GROUP BY
    "contact_id"
), base AS MATERIALIZED (
  SELECT
    "c"."contact_id",
    "c"."age",
    "c"."country",
    "c"."industry",
    "c"."employees",
    "c"."job_title",
    "c"."budget",
    "event_rules"."a0",
    "event_rules"."a1",
    "event_rules"."a2",
    "event_rules"."a4",
    "event_rules"."a5",
    "event_rules"."a6",
    "event_rules"."l0",
    "event_rule_a3"."a3"
  FROM contacts AS c
  LEFT JOIN event_rules
    ON "c"."contact_id" = "event_rules"."contact_id"
  LEFT JOIN event_rule_a3
    ON "c"."contact_id" = "event_rule_a3"."contact_id"
), p0_rules AS MATERIALIZED (
  SELECT
    "contact_id",
    TRUE AS "applies",
    CASE WHEN "age" IS NULL THEN FALSE ELSE "age" >= CAST(18 AS BIGINT) END AS "g0",
    CASE
      WHEN "country" IS NULL
      THEN FALSE
      ELSE LOWER("country") COLLATE "C" IN (
        LOWER('PL') COLLATE "C",
        LOWER('DE') COLLATE "C",
        LOWER('NO') COLLATE "C",
        LOWER('UK') COLLATE "C"
      )
    END AS "g1",
    CASE
      WHEN CASE
        WHEN "industry" IS NULL
        THEN FALSE
        ELSE LOWER("industry") COLLATE "C" IN (LOWER('software') COLLATE "C", LOWER('saas') COLLATE "C")
      END
      THEN CAST(15.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "r0",
    CASE
      WHEN CASE
        WHEN "employees" IS NULL
        THEN FALSE
        ELSE (
          "employees" >= CAST(50 AS BIGINT) AND "employees" <= CAST(1000 AS BIGINT)
        )
      END
      THEN CAST(10.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "r1",
    CASE
      WHEN CASE
        WHEN "job_title" IS NULL
        THEN FALSE
        ELSE LOWER("job_title") ~ '(director|vp|head|chief)'
      END
      THEN CAST(15.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "r2",
    CASE
      WHEN CASE
        WHEN "budget" IS NULL
        THEN FALSE
        ELSE CAST("budget" AS DOUBLE PRECISION) >= CAST(10000.0 AS DOUBLE PRECISION)
      END
      THEN CAST(10.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "r3",
    CASE
      WHEN COALESCE("a0", 0) = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE CAST(20.0 AS DOUBLE PRECISION) * CAST(COALESCE("a0", 0) AS DOUBLE PRECISION)
    END AS "r4",
    CASE
      WHEN COALESCE("a1", 0) = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE CAST(15.0 AS DOUBLE PRECISION) * CAST(COALESCE("a1", 0) AS DOUBLE PRECISION)
    END AS "r5",
    CASE
      WHEN CASE WHEN COALESCE("a2", 0) > 1 THEN 1 ELSE COALESCE("a2", 0) END = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE CAST(10.0 AS DOUBLE PRECISION) * CAST(CASE WHEN COALESCE("a2", 0) > 1 THEN 1 ELSE COALESCE("a2", 0) END AS DOUBLE PRECISION)
    END AS "r6",
    COALESCE("a3", CAST(0.0 AS DOUBLE PRECISION)) AS "r7",
    CASE
      WHEN COALESCE("a4", 0) = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE CAST(5.0 AS DOUBLE PRECISION) * CAST(COALESCE("a4", 0) AS DOUBLE PRECISION)
    END AS "r8",
    CASE
      WHEN CASE WHEN COALESCE("a5", 0) > 1 THEN 1 ELSE COALESCE("a5", 0) END = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE -CAST(10.0 AS DOUBLE PRECISION) * CAST(CASE WHEN COALESCE("a5", 0) > 1 THEN 1 ELSE COALESCE("a5", 0) END AS DOUBLE PRECISION)
    END AS "r9",
    CASE
      WHEN COALESCE("a6", 0) = 0
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE -CAST(15.0 AS DOUBLE PRECISION) * CAST(COALESCE("a6", 0) AS DOUBLE PRECISION)
    END AS "r10",
    "l0"
  FROM base
), p0_raw AS MATERIALIZED (
  SELECT
    *,
    CASE
      WHEN (
        CASE
          WHEN (
            "r0" + "r1"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r0" + "r1"
          )
        END + CASE
          WHEN (
            "r2" + "r3"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r2" + "r3"
          )
        END
      ) > CAST(50.0 AS DOUBLE PRECISION)
      THEN CAST(50.0 AS DOUBLE PRECISION)
      ELSE (
        CASE
          WHEN (
            "r0" + "r1"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r0" + "r1"
          )
        END + CASE
          WHEN (
            "r2" + "r3"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r2" + "r3"
          )
        END
      )
    END AS "d0_raw",
    CASE
      WHEN (
        CASE
          WHEN (
            "r4" + "r5"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r4" + "r5"
          )
        END + CASE
          WHEN (
            "r6" + "r7" + "r8"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r6" + "r7" + "r8"
          )
        END + CASE
          WHEN (
            "r9" + "r10"
          ) < -CAST(20.0 AS DOUBLE PRECISION)
          THEN -CAST(20.0 AS DOUBLE PRECISION)
          ELSE (
            "r9" + "r10"
          )
        END
      ) > CAST(50.0 AS DOUBLE PRECISION)
      THEN CAST(50.0 AS DOUBLE PRECISION)
      ELSE (
        CASE
          WHEN (
            "r4" + "r5"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r4" + "r5"
          )
        END + CASE
          WHEN (
            "r6" + "r7" + "r8"
          ) > CAST(25.0 AS DOUBLE PRECISION)
          THEN CAST(25.0 AS DOUBLE PRECISION)
          ELSE (
            "r6" + "r7" + "r8"
          )
        END + CASE
          WHEN (
            "r9" + "r10"
          ) < -CAST(20.0 AS DOUBLE PRECISION)
          THEN -CAST(20.0 AS DOUBLE PRECISION)
          ELSE (
            "r9" + "r10"
          )
        END
      )
    END AS "d1_raw",
    CASE
      WHEN CASE
        WHEN (
          CAST(1767225600000000 AS BIGINT) - "l0"
        ) < CAST(2592000000000 AS BIGINT)
        THEN 0
        ELSE 1 + (
          (
            CAST(1767225600000000 AS BIGINT) - "l0"
          ) - CAST(2592000000000 AS BIGINT)
        ) / CAST(2592000000000 AS BIGINT)
      END >= 7073
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE POWER(
        CAST(0.9 AS DOUBLE PRECISION),
        CAST(CASE
          WHEN (
            CAST(1767225600000000 AS BIGINT) - "l0"
          ) < CAST(2592000000000 AS BIGINT)
          THEN 0
          ELSE 1 + (
            (
              CAST(1767225600000000 AS BIGINT) - "l0"
            ) - CAST(2592000000000 AS BIGINT)
          ) / CAST(2592000000000 AS BIGINT)
        END AS DOUBLE PRECISION)
      )
    END AS "d1_decay"
  FROM p0_rules
), p0_dims AS MATERIALIZED (
  SELECT
    *,
    "d0_raw" AS "d0",
    CASE
      WHEN "l0" IS NULL
      OR "d1_raw" <= CAST(0.0 AS DOUBLE PRECISION)
      OR "d1_raw" <= CAST(30.0 AS DOUBLE PRECISION)
      THEN "d1_raw"
      ELSE CASE
        WHEN (
          CASE
            WHEN "d1_raw" = CAST(0.0 AS DOUBLE PRECISION)
            OR "d1_decay" = CAST(0.0 AS DOUBLE PRECISION)
            THEN "d1_raw" * "d1_decay"
            WHEN ABS("d1_raw") < CAST(1.0 AS DOUBLE PRECISION)
            AND ABS("d1_decay") < CAST(1.0 AS DOUBLE PRECISION)
            THEN CASE
              WHEN LN(ABS("d1_raw")) + LN(ABS("d1_decay")) < -CAST(736.8272408909739 AS DOUBLE PRECISION)
              THEN CAST(0.0 AS DOUBLE PRECISION)
              ELSE "d1_raw" * "d1_decay"
            END
            ELSE "d1_raw" * "d1_decay"
          END
        ) < CAST(30.0 AS DOUBLE PRECISION)
        THEN CAST(30.0 AS DOUBLE PRECISION)
        ELSE CASE
          WHEN "d1_raw" = CAST(0.0 AS DOUBLE PRECISION)
          OR "d1_decay" = CAST(0.0 AS DOUBLE PRECISION)
          THEN "d1_raw" * "d1_decay"
          WHEN ABS("d1_raw") < CAST(1.0 AS DOUBLE PRECISION)
          AND ABS("d1_decay") < CAST(1.0 AS DOUBLE PRECISION)
          THEN CASE
            WHEN LN(ABS("d1_raw")) + LN(ABS("d1_decay")) < -CAST(736.8272408909739 AS DOUBLE PRECISION)
            THEN CAST(0.0 AS DOUBLE PRECISION)
            ELSE "d1_raw" * "d1_decay"
          END
          ELSE "d1_raw" * "d1_decay"
        END
      END
    END AS "d1"
  FROM p0_raw
), p0_points AS MATERIALIZED (
  SELECT
    *,
    CAST(CAST(SIGN(
      CAST(SIGN((
        "d0" + "d1"
      )) AS DOUBLE PRECISION) * (
        FLOOR(
          ABS((
            "d0" + "d1"
          )) * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)
        ) / CAST(1000000.0 AS DOUBLE PRECISION)
      )
    ) AS DOUBLE PRECISION) * (
      FLOOR(
        ABS(
          CAST(SIGN((
            "d0" + "d1"
          )) AS DOUBLE PRECISION) * (
            FLOOR(
              ABS((
                "d0" + "d1"
              )) * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)
            ) / CAST(1000000.0 AS DOUBLE PRECISION)
          )
        ) * CAST(1.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)
      ) / CAST(1.0 AS DOUBLE PRECISION)
    ) AS BIGINT) AS "points",
    CAST(CASE WHEN "g0" THEN 1 ELSE 0 END + CASE WHEN "g1" THEN 1 ELSE 0 END AS BIGINT) AS "gates_met",
    "g0" AND "g1" AS "qualified",
    CAST(CAST(SIGN(
      CAST(SIGN("d0") AS DOUBLE PRECISION) * (
        FLOOR(ABS("d0") * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)) / CAST(1000000.0 AS DOUBLE PRECISION)
      )
    ) AS DOUBLE PRECISION) * (
      FLOOR(
        ABS(
          CAST(SIGN("d0") AS DOUBLE PRECISION) * (
            FLOOR(ABS("d0") * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)) / CAST(1000000.0 AS DOUBLE PRECISION)
          )
        ) * CAST(1.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)
      ) / CAST(1.0 AS DOUBLE PRECISION)
    ) AS BIGINT) AS "d0_official",
    CAST(CAST(SIGN(
      CAST(SIGN("d1") AS DOUBLE PRECISION) * (
        FLOOR(ABS("d1") * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)) / CAST(1000000.0 AS DOUBLE PRECISION)
      )
    ) AS DOUBLE PRECISION) * (
      FLOOR(
        ABS(
          CAST(SIGN("d1") AS DOUBLE PRECISION) * (
            FLOOR(ABS("d1") * CAST(1000000.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)) / CAST(1000000.0 AS DOUBLE PRECISION)
          )
        ) * CAST(1.0 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION)
      ) / CAST(1.0 AS DOUBLE PRECISION)
    ) AS BIGINT) AS "d1_official"
  FROM p0_dims
), p0_scores AS MATERIALIZED (
  SELECT
    *,
    CAST("points" AS BIGINT) AS "threshold_value",
    CAST("points" AS BIGINT) AS "score"
  FROM p0_points
)
SELECT
  "contact_id" AS "contact_id",
  'main' AS "program",
  "score" AS "score",
  "points" AS "points",
  "d0" AS "fit_points",
  "d1" AS "engagement_points",
  "qualified" AS "qualified",
  "gates_met" AS "gates_met",
  CASE
    WHEN "d0_official" >= CAST(40.0 AS DOUBLE PRECISION)
    THEN 'A'
    WHEN "d0_official" >= CAST(30.0 AS DOUBLE PRECISION)
    THEN 'B'
    WHEN "d0_official" >= CAST(15.0 AS DOUBLE PRECISION)
    THEN 'C'
    WHEN "d0_official" >= CAST(0.0 AS DOUBLE PRECISION)
    THEN 'D'
    ELSE CAST(NULL AS VARCHAR)
  END AS "fit_band",
  CASE
    WHEN "d1_official" >= CAST(35.0 AS DOUBLE PRECISION)
    THEN '1'
    WHEN "d1_official" >= CAST(20.0 AS DOUBLE PRECISION)
    THEN '2'
    WHEN "d1_official" >= CAST(10.0 AS DOUBLE PRECISION)
    THEN '3'
    WHEN "d1_official" >= CAST(0.0 AS DOUBLE PRECISION)
    THEN '4'
    ELSE CAST(NULL AS VARCHAR)
  END AS "engagement_band",
  CAST(NULL AS VARCHAR) AS "band",
  CASE
    WHEN CASE
      WHEN "d0_official" >= CAST(40.0 AS DOUBLE PRECISION)
      THEN 'A'
      WHEN "d0_official" >= CAST(30.0 AS DOUBLE PRECISION)
      THEN 'B'
      WHEN "d0_official" >= CAST(15.0 AS DOUBLE PRECISION)
      THEN 'C'
      WHEN "d0_official" >= CAST(0.0 AS DOUBLE PRECISION)
      THEN 'D'
      ELSE CAST(NULL AS VARCHAR)
    END IS NULL
    OR CASE
      WHEN "d1_official" >= CAST(35.0 AS DOUBLE PRECISION)
      THEN '1'
      WHEN "d1_official" >= CAST(20.0 AS DOUBLE PRECISION)
      THEN '2'
      WHEN "d1_official" >= CAST(10.0 AS DOUBLE PRECISION)
      THEN '3'
      WHEN "d1_official" >= CAST(0.0 AS DOUBLE PRECISION)
      THEN '4'
      ELSE CAST(NULL AS VARCHAR)
    END IS NULL
    THEN CAST(NULL AS VARCHAR)
    ELSE CASE
      WHEN "d0_official" >= CAST(40.0 AS DOUBLE PRECISION)
      THEN 'A'
      WHEN "d0_official" >= CAST(30.0 AS DOUBLE PRECISION)
      THEN 'B'
      WHEN "d0_official" >= CAST(15.0 AS DOUBLE PRECISION)
      THEN 'C'
      WHEN "d0_official" >= CAST(0.0 AS DOUBLE PRECISION)
      THEN 'D'
      ELSE CAST(NULL AS VARCHAR)
    END || CASE
      WHEN "d1_official" >= CAST(35.0 AS DOUBLE PRECISION)
      THEN '1'
      WHEN "d1_official" >= CAST(20.0 AS DOUBLE PRECISION)
      THEN '2'
      WHEN "d1_official" >= CAST(10.0 AS DOUBLE PRECISION)
      THEN '3'
      WHEN "d1_official" >= CAST(0.0 AS DOUBLE PRECISION)
      THEN '4'
      ELSE CAST(NULL AS VARCHAR)
    END
  END AS "matrix",
  (
    "qualified" AND "threshold_value" >= CAST(60.0 AS DOUBLE PRECISION)
  ) AS "mql_eligible",
  '1' AS "model_version",
  '2026-01-01T00:00:00Z' AS "as_of",
  "r0" AS "rule:saas",
  "r1" AS "rule:mid_size",
  "r2" AS "rule:senior",
  "r3" AS "rule:budget",
  "r4" AS "rule:demo",
  "r5" AS "rule:trial",
  "r6" AS "rule:newsletter",
  "r7" AS "rule:email_click",
  "r8" AS "rule:pricing",
  "r9" AS "rule:careers",
  "r10" AS "rule:unsubscribe"
FROM p0_scores
WHERE
  "applies";
