using DuckDB.NET.Data;
using Fhir.Views.Output;

namespace Fhir.Views.Tests.Output;

/// <summary>The Parquet output, read back with DuckDB as an analyst would.</summary>
public sealed class ParquetRowWriterTests : IDisposable
{
    private readonly string _file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"view-{Guid.NewGuid():N}.parquet");

    private static readonly ViewDefinition View = Views.Compile("""
        {"resource":"Patient","select":[{"column":[
          {"name":"id","path":"id","type":"id"},
          {"name":"active","path":"active","type":"boolean"},
          {"name":"born","path":"birthDate","type":"date"},
          {"name":"names","path":"name.given.count()","type":"integer"},
          {"name":"score","path":"extension('urn:score').value.ofType(decimal)","type":"decimal"},
          {"name":"given","path":"name.given","type":"string","collection":true},
          {"name":"big","path":"iif(active, 5000000000, {})","type":"integer64"}]}]}
        """);

    private static readonly string[] Patients =
    [
        """{"resourceType":"Patient","id":"a","active":true,"birthDate":"1970-06","name":[{"given":["Ann","Bea"]}],"extension":[{"url":"urn:score","valueDecimal":1.25}]}""",
        """{"resourceType":"Patient","id":"b","active":false}""",
        """{"resourceType":"Patient","id":"c","name":[{"given":["Cy"]}]}""",
    ];

    [Fact]
    public async Task DuckDB_reads_typed_columns_nulls_and_lists()
    {
        var (bytes, result) = await Views.Run(View, Patients, ViewOutputFormat.Parquet);
        Assert.True(result.IsSuccess);
        await File.WriteAllBytesAsync(_file, bytes);

        var rows = Query($"SELECT id, active, born, names, score, given, big FROM read_parquet('{_file}') ORDER BY id");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["a", true, "1970-06", 2, 1.25, "[Ann, Bea]", 5000000000L], rows[0]);
        Assert.Equal(["b", false, null, 0, null, "[]", null], rows[1]);
        Assert.Equal(["c", null, null, 1, null, "[Cy]", null], rows[2]);

        var types = Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{_file}'))");
        Assert.Equal(["VARCHAR", "BOOLEAN", "VARCHAR", "INTEGER", "DOUBLE", "VARCHAR[]", "BIGINT"], types.Select(t => (string)t[1]!));
    }

    [Fact]
    public async Task A_view_without_rows_still_gives_a_readable_file_with_its_schema()
    {
        var (bytes, _) = await Views.Run(View, [], ViewOutputFormat.Parquet);
        await File.WriteAllBytesAsync(_file, bytes);
        Assert.Equal(0L, Query($"SELECT count(*) FROM read_parquet('{_file}')")[0][0]);
        Assert.Equal(7, Query($"DESCRIBE SELECT * FROM read_parquet('{_file}')").Count);
    }

    [Fact]
    public async Task Rows_beyond_one_row_group_are_all_written()
    {
        var many = Enumerable.Range(0, ParquetRowWriter.RowGroupSize + 10).Select(i => $$"""{"resourceType":"Patient","id":"p{{i}}","active":true}""");
        var (bytes, result) = await Views.Run(View, many, ViewOutputFormat.Parquet);
        Assert.Equal(ParquetRowWriter.RowGroupSize + 10, result.Rows);
        await File.WriteAllBytesAsync(_file, bytes);
        var counts = Query($"SELECT count(*), count(DISTINCT id) FROM read_parquet('{_file}')")[0];
        Assert.Equal([(long)ParquetRowWriter.RowGroupSize + 10, (long)ParquetRowWriter.RowGroupSize + 10], counts);
    }

    private static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    System.Collections.IList list => "[" + string.Join(", ", list.Cast<object>()) + "]",
                    var v => v,
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose() => File.Delete(_file);
}
