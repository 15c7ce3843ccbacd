using System.Globalization;
using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Upgrades of the index layout: rows written under an older schema are found the same way after migrating.
public abstract partial class StoreTests
{
    [Fact]
    public async Task A_database_at_schema_version_3_gets_the_covering_indexes_and_finds_the_same_rows()
    {
        var database = await NewDatabaseAsync();
        var sqlite = Dialect is Fhir.Storage.Sqlite.SqliteDialect;
        string At(int year) => sqlite
            ? new DateTime(year, 6, 1, 0, 0, 0, DateTimeKind.Utc).Ticks.ToString(CultureInfo.InvariantCulture)
            : $"'{year}-06-01T00:00:00Z'";
        var json = sqlite ? "X'7B7D'" : "'\\x7B7D'";
        var v3 = string.Join(";\n", Fhir.Storage.Sql.Schema.Migrations.Take(3).Select(Dialect.ExpandDdl));
        var rows = new System.Text.StringBuilder();
        // Three Observations as version 3 wrote them: a and b share a code, a and c a year, all three one subject.
        foreach (var (id, key, code, year) in new[] { ("a", 1, "1", 2010), ("b", 2, "1", 2015), ("c", 3, "2", 2010) })
        {
            rows.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO resource_version (res_type, res_id, version, last_updated, method, json) VALUES ('Observation', '{id}', 1, {At(2024)}, 0, {json});
                INSERT INTO resource (res_type, res_id, version, last_updated, deleted, version_seq) VALUES ('Observation', '{id}', 1, {At(2024)}, FALSE, {key});
                INSERT INTO idx_token (res_key, code, system, value) VALUES ({key}, 'code', 'L', '{code}');
                INSERT INTO idx_date (res_key, code, low, high) VALUES ({key}, 'date', {At(year)}, {At(year)});
                INSERT INTO idx_reference (res_key, code, target_type, target_id) VALUES ({key}, 'subject', 'Patient', 'p1');

                """);
        }
        // a's two values (10 and 100) and b's one (50), as written without a canonical form.
        rows.Append("""
            INSERT INTO idx_quantity (res_key, code, system, unit, low, high) VALUES (1, 'value-quantity', 'U', 'u', 9.5, 10.5);
            INSERT INTO idx_quantity (res_key, code, system, unit, low, high) VALUES (1, 'value-quantity', 'U', 'u', 99.5, 100.5);
            INSERT INTO idx_quantity (res_key, code, system, unit, low, high) VALUES (2, 'value-quantity', 'U', 'u', 49.5, 50.5);

            """);
        await ExecuteSqlAsync(database, Fhir.Storage.Sql.Schema.CreateVersionTable + ";\n" + v3 + ";\nINSERT INTO schema_version (version) VALUES (1), (2), (3);\n" + rows);

        Store = await OpenStoreAsync(database);
        await WriteAsync(Create("Observation", "d", T0, Token("code", "L", "1"), new ReferenceIndexValue("subject", "Patient", "p1", null),
            new DateIndexValue("date", new DateTime(2010, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2010, 3, 1, 0, 0, 0, DateTimeKind.Utc))));

        var code1 = TokenCriterion("code", null, new TokenSearchValue("L", "1", true));
        var in2010 = new SearchCriterion("date", SearchParamType.Date, null, [new DateSearchValue(SearchPrefix.Eq,
            new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1))]);
        var subject = new SearchCriterion("subject", SearchParamType.Reference, null, [new ReferenceSearchValue("Patient", "p1", null)]);
        Assert.Equal(["a", "b", "d"], await SearchIdsAsync("Observation", code1));
        Assert.Equal(["a", "d"], await SearchIdsAsync("Observation", code1, in2010));
        Assert.Equal(["a", "b", "c", "d"], await SearchIdsAsync("Observation", subject));
        Assert.Equal(["c"], await SearchIdsAsync("Observation", subject, in2010, TokenCriterion("code", null, new TokenSearchValue("L", "2", true))));
        // Migration 11 paired the stored codes with their dates as a write pairs them (d).
        foreach (var (id, code, year) in new[] { ("a", "1", 2010), ("b", "1", 2015), ("c", "2", 2010), ("d", "1", 2010) })
        {
            Assert.Equal(1, await ScalarAsync(database, $"SELECT COUNT(*) FROM idx_token_date p JOIN resource r ON r.res_key = p.res_key"
                + $" WHERE r.res_id = '{id}' AND p.code = 'code+date' AND p.system = 'L' AND p.value = '{code}' AND p.low > {At(year - 1)} AND p.low <= {At(year)}"));
        }
        Assert.Equal(4, await ScalarAsync(database, "SELECT COUNT(*) FROM idx_token_date"));
        // Migration 14 listed a, whose two values a quantity window cannot stand for: above 50 and below 20 on two rows.
        SearchCriterion Value(SearchPrefix prefix, decimal value) =>
            new("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(prefix, value, value - 0.5m, value + 0.5m, "U", "u")]);
        Assert.Equal(["a"], await SearchIdsAsync("Observation", Value(SearchPrefix.Ge, 50), Value(SearchPrefix.Le, 20)));
        Assert.Equal(["a", "b"], await SearchIdsAsync("Observation", Value(SearchPrefix.Ge, 40), Value(SearchPrefix.Le, 60)));
        Assert.Equal(1, await ScalarAsync(database, "SELECT COUNT(*) FROM idx_quantity_multi"));
    }
}
