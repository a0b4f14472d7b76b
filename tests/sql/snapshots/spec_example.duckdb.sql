-- leadscore: model acme-b2b version 1, dialect duckdb
-- scores as of 2026-01-01T00:00:00Z; reads two relations:
--   contacts(contact_id, age (integer), country (string), industry (string), employees (integer), job_title (string), budget (number))
--   events(event_id, contact_id, type, timestamp (UTC), is_bot, form, url)  -- one row per event_id; text properties
-- typed and checked as `leadscore score` leaves them: `timestamp` a TIMESTAMP, not text;
-- no bad rows, no repeated contact_id or event_id (a raw file read as is may not bind)
WITH events_in AS (
  SELECT
    "contact_id",
    "type",
    CAST(EPOCH_US("timestamp") AS BIGINT) AS "ts_us",
    "is_bot",
    "form",
    "url"
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
        WHEN "is_bot" ILIKE 'true'
        THEN CAST(0 AS BIGINT)
        ELSE CASE
          WHEN "type" = 'demo_request'
          THEN CAST(1 AS BIGINT)
          WHEN "type" = 'email_click'
          THEN CAST(8 AS BIGINT)
          WHEN "type" = 'form_submit'
          THEN CASE
            WHEN CASE WHEN "form" IS NULL THEN FALSE ELSE "form" ILIKE 'newsletter' END
            THEN CAST(4 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END
          WHEN "type" = 'page_view'
          THEN CASE
            WHEN (
              CAST(1767225600000000 AS BIGINT) - "ts_us"
            ) < CAST(2592000000000 AS BIGINT)
            AND CASE WHEN "url" IS NULL THEN FALSE ELSE "url" ILIKE '%/pricing%' END
            THEN CAST(16 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END | CASE
            WHEN CASE WHEN "url" IS NULL THEN FALSE ELSE "url" ILIKE '%/careers%' END
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
    "a0",
    "a1",
    "a2",
    LIST_SUM(
      LIST_TRANSFORM(
        LIST_FILTER(
          "a3",
          LAMBDA x, i : i = 1
          OR CASE
            WHEN x >= 0
            THEN x // CAST(86400000000 AS BIGINT)
            ELSE -(
              (
                -x - 1
              ) // CAST(86400000000 AS BIGINT)
            ) - 1
          END <> CASE
            WHEN "a3"[i - 1] >= 0
            THEN "a3"[i - 1] // CAST(86400000000 AS BIGINT)
            ELSE -(
              (
                -"a3"[i - 1] - 1
              ) // CAST(86400000000 AS BIGINT)
            ) - 1
          END
        )[1:5],
        LAMBDA y : CAST(3.0 AS DOUBLE) * EXP(
          CAST((
            y - CAST(1767225600000000 AS BIGINT)
          ) AS DOUBLE) * CAST(2.674178937345468e-13 AS DOUBLE)
        )
      )
    ) AS "a3",
    "a4",
    "a5",
    "a6",
    "l0"
  FROM (
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
      LIST_SORT(LIST("ts_us") FILTER(WHERE
        (
          "m0" & CAST(8 AS BIGINT)
        ) <> 0), 'DESC') AS "a3",
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
  ) AS listed
), base AS (
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
    "event_rules"."a3",
    "event_rules"."a4",
    "event_rules"."a5",
    "event_rules"."a6",
    "event_rules"."l0"
  FROM contacts AS c
  LEFT JOIN event_rules
    ON "c"."contact_id" = "event_rules"."contact_id"
), p0_rules AS (
  SELECT
    "contact_id",
    TRUE AS "applies",
    CASE WHEN "age" IS NULL THEN FALSE ELSE "age" >= CAST(18 AS BIGINT) END AS "g0",
    CASE
      WHEN "country" IS NULL
      THEN FALSE
      ELSE (
        "country" ILIKE 'PL'
        OR "country" ILIKE 'DE'
        OR "country" ILIKE 'NO'
        OR "country" ILIKE 'UK'
      )
    END AS "g1",
    CASE
      WHEN CASE
        WHEN "industry" IS NULL
        THEN FALSE
        ELSE (
          "industry" ILIKE 'software' OR "industry" ILIKE 'saas'
        )
      END
      THEN CAST(15.0 AS DOUBLE)
      ELSE CAST(0.0 AS DOUBLE)
    END AS "r0",
    CASE
      WHEN CASE
        WHEN "employees" IS NULL
        THEN FALSE
        ELSE (
          "employees" >= CAST(50 AS BIGINT) AND "employees" <= CAST(1000 AS BIGINT)
        )
      END
      THEN CAST(10.0 AS DOUBLE)
      ELSE CAST(0.0 AS DOUBLE)
    END AS "r1",
    CASE
      WHEN CASE
        WHEN "job_title" IS NULL
        THEN FALSE
        ELSE REGEXP_MATCHES(LOWER("job_title"), '(director|vp|head|chief)')
      END
      THEN CAST(15.0 AS DOUBLE)
      ELSE CAST(0.0 AS DOUBLE)
    END AS "r2",
    CASE
      WHEN CASE
        WHEN "budget" IS NULL
        THEN FALSE
        ELSE CAST("budget" AS DOUBLE) >= CAST(10000.0 AS DOUBLE)
      END
      THEN CAST(10.0 AS DOUBLE)
      ELSE CAST(0.0 AS DOUBLE)
    END AS "r3",
    CASE
      WHEN COALESCE("a0", 0) = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE CAST(20.0 AS DOUBLE) * CAST(COALESCE("a0", 0) AS DOUBLE)
    END AS "r4",
    CASE
      WHEN COALESCE("a1", 0) = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE CAST(15.0 AS DOUBLE) * CAST(COALESCE("a1", 0) AS DOUBLE)
    END AS "r5",
    CASE
      WHEN CASE WHEN COALESCE("a2", 0) > 1 THEN 1 ELSE COALESCE("a2", 0) END = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE CAST(10.0 AS DOUBLE) * CAST(CASE WHEN COALESCE("a2", 0) > 1 THEN 1 ELSE COALESCE("a2", 0) END AS DOUBLE)
    END AS "r6",
    COALESCE("a3", CAST(0.0 AS DOUBLE)) AS "r7",
    CASE
      WHEN COALESCE("a4", 0) = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE CAST(5.0 AS DOUBLE) * CAST(COALESCE("a4", 0) AS DOUBLE)
    END AS "r8",
    CASE
      WHEN CASE WHEN COALESCE("a5", 0) > 1 THEN 1 ELSE COALESCE("a5", 0) END = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE -CAST(10.0 AS DOUBLE) * CAST(CASE WHEN COALESCE("a5", 0) > 1 THEN 1 ELSE COALESCE("a5", 0) END AS DOUBLE)
    END AS "r9",
    CASE
      WHEN COALESCE("a6", 0) = 0
      THEN CAST(0.0 AS DOUBLE)
      ELSE -CAST(15.0 AS DOUBLE) * CAST(COALESCE("a6", 0) AS DOUBLE)
    END AS "r10",
    "l0"
  FROM base
), p0_raw AS (
  SELECT
    *,
    CASE
      WHEN (
        CASE
          WHEN (
            "r0" + "r1"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r0" + "r1"
          )
        END + CASE
          WHEN (
            "r2" + "r3"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r2" + "r3"
          )
        END
      ) > CAST(50.0 AS DOUBLE)
      THEN CAST(50.0 AS DOUBLE)
      ELSE (
        CASE
          WHEN (
            "r0" + "r1"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r0" + "r1"
          )
        END + CASE
          WHEN (
            "r2" + "r3"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
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
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r4" + "r5"
          )
        END + CASE
          WHEN (
            "r6" + "r7" + "r8"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r6" + "r7" + "r8"
          )
        END + CASE
          WHEN (
            "r9" + "r10"
          ) < -CAST(20.0 AS DOUBLE)
          THEN -CAST(20.0 AS DOUBLE)
          ELSE (
            "r9" + "r10"
          )
        END
      ) > CAST(50.0 AS DOUBLE)
      THEN CAST(50.0 AS DOUBLE)
      ELSE (
        CASE
          WHEN (
            "r4" + "r5"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r4" + "r5"
          )
        END + CASE
          WHEN (
            "r6" + "r7" + "r8"
          ) > CAST(25.0 AS DOUBLE)
          THEN CAST(25.0 AS DOUBLE)
          ELSE (
            "r6" + "r7" + "r8"
          )
        END + CASE
          WHEN (
            "r9" + "r10"
          ) < -CAST(20.0 AS DOUBLE)
          THEN -CAST(20.0 AS DOUBLE)
          ELSE (
            "r9" + "r10"
          )
        END
      )
    END AS "d1_raw",
    POWER(
      CAST(0.9 AS DOUBLE),
      CAST(CASE
        WHEN (
          CAST(1767225600000000 AS BIGINT) - "l0"
        ) < CAST(2592000000000 AS BIGINT)
        THEN 0
        ELSE 1 + (
          (
            CAST(1767225600000000 AS BIGINT) - "l0"
          ) - CAST(2592000000000 AS BIGINT)
        ) // CAST(2592000000000 AS BIGINT)
      END AS DOUBLE)
    ) AS "d1_decay"
  FROM p0_rules
), p0_dims AS (
  SELECT
    *,
    "d0_raw" AS "d0",
    CASE
      WHEN "l0" IS NULL
      OR "d1_raw" <= CAST(0.0 AS DOUBLE)
      OR "d1_raw" <= CAST(30.0 AS DOUBLE)
      THEN "d1_raw"
      ELSE CASE
        WHEN (
          "d1_raw" * "d1_decay"
        ) < CAST(30.0 AS DOUBLE)
        THEN CAST(30.0 AS DOUBLE)
        ELSE "d1_raw" * "d1_decay"
      END
    END AS "d1"
  FROM p0_raw
), p0_points AS (
  SELECT
    *,
    CAST(CAST(SIGN(
      CAST(SIGN((
        "d0" + "d1"
      )) AS DOUBLE) * (
        FLOOR(ABS((
          "d0" + "d1"
        )) * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
      )
    ) AS DOUBLE) * (
      FLOOR(
        ABS(
          CAST(SIGN((
            "d0" + "d1"
          )) AS DOUBLE) * (
            FLOOR(ABS((
              "d0" + "d1"
            )) * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
          )
        ) * CAST(1.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)
      ) / CAST(1.0 AS DOUBLE)
    ) AS BIGINT) AS "points",
    CAST(CASE WHEN "g0" THEN 1 ELSE 0 END + CASE WHEN "g1" THEN 1 ELSE 0 END AS BIGINT) AS "gates_met",
    "g0" AND "g1" AS "qualified",
    CAST(CAST(SIGN(
      CAST(SIGN("d0") AS DOUBLE) * (
        FLOOR(ABS("d0") * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
      )
    ) AS DOUBLE) * (
      FLOOR(
        ABS(
          CAST(SIGN("d0") AS DOUBLE) * (
            FLOOR(ABS("d0") * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
          )
        ) * CAST(1.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)
      ) / CAST(1.0 AS DOUBLE)
    ) AS BIGINT) AS "d0_official",
    CAST(CAST(SIGN(
      CAST(SIGN("d1") AS DOUBLE) * (
        FLOOR(ABS("d1") * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
      )
    ) AS DOUBLE) * (
      FLOOR(
        ABS(
          CAST(SIGN("d1") AS DOUBLE) * (
            FLOOR(ABS("d1") * CAST(1000000.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)) / CAST(1000000.0 AS DOUBLE)
          )
        ) * CAST(1.0 AS DOUBLE) + CAST(0.5 AS DOUBLE)
      ) / CAST(1.0 AS DOUBLE)
    ) AS BIGINT) AS "d1_official"
  FROM p0_dims
), p0_scores AS (
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
    WHEN "d0_official" >= CAST(40.0 AS DOUBLE)
    THEN 'A'
    WHEN "d0_official" >= CAST(30.0 AS DOUBLE)
    THEN 'B'
    WHEN "d0_official" >= CAST(15.0 AS DOUBLE)
    THEN 'C'
    WHEN "d0_official" >= CAST(0.0 AS DOUBLE)
    THEN 'D'
    ELSE CAST(NULL AS TEXT)
  END AS "fit_band",
  CASE
    WHEN "d1_official" >= CAST(35.0 AS DOUBLE)
    THEN '1'
    WHEN "d1_official" >= CAST(20.0 AS DOUBLE)
    THEN '2'
    WHEN "d1_official" >= CAST(10.0 AS DOUBLE)
    THEN '3'
    WHEN "d1_official" >= CAST(0.0 AS DOUBLE)
    THEN '4'
    ELSE CAST(NULL AS TEXT)
  END AS "engagement_band",
  CAST(NULL AS TEXT) AS "band",
  CASE
    WHEN CASE
      WHEN "d0_official" >= CAST(40.0 AS DOUBLE)
      THEN 'A'
      WHEN "d0_official" >= CAST(30.0 AS DOUBLE)
      THEN 'B'
      WHEN "d0_official" >= CAST(15.0 AS DOUBLE)
      THEN 'C'
      WHEN "d0_official" >= CAST(0.0 AS DOUBLE)
      THEN 'D'
      ELSE CAST(NULL AS TEXT)
    END IS NULL
    OR CASE
      WHEN "d1_official" >= CAST(35.0 AS DOUBLE)
      THEN '1'
      WHEN "d1_official" >= CAST(20.0 AS DOUBLE)
      THEN '2'
      WHEN "d1_official" >= CAST(10.0 AS DOUBLE)
      THEN '3'
      WHEN "d1_official" >= CAST(0.0 AS DOUBLE)
      THEN '4'
      ELSE CAST(NULL AS TEXT)
    END IS NULL
    THEN CAST(NULL AS TEXT)
    ELSE CASE
      WHEN "d0_official" >= CAST(40.0 AS DOUBLE)
      THEN 'A'
      WHEN "d0_official" >= CAST(30.0 AS DOUBLE)
      THEN 'B'
      WHEN "d0_official" >= CAST(15.0 AS DOUBLE)
      THEN 'C'
      WHEN "d0_official" >= CAST(0.0 AS DOUBLE)
      THEN 'D'
      ELSE CAST(NULL AS TEXT)
    END || CASE
      WHEN "d1_official" >= CAST(35.0 AS DOUBLE)
      THEN '1'
      WHEN "d1_official" >= CAST(20.0 AS DOUBLE)
      THEN '2'
      WHEN "d1_official" >= CAST(10.0 AS DOUBLE)
      THEN '3'
      WHEN "d1_official" >= CAST(0.0 AS DOUBLE)
      THEN '4'
      ELSE CAST(NULL AS TEXT)
    END
  END AS "matrix",
  (
    "qualified" AND "threshold_value" >= CAST(60.0 AS DOUBLE)
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
