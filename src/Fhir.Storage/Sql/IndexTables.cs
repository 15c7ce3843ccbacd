using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

/// <summary>The index tables and how an <see cref="IndexValue"/> becomes a row of one of them.</summary>
internal static class IndexTables
{
    private const ColumnKind T = ColumnKind.Text, I = ColumnKind.Instant, N = ColumnKind.Number, G = ColumnKind.Integer;

    // Every table ends with grp (IndexValue.Group: the element of a composite's components, else NULL).
    public static readonly IndexTable String = new("idx_string", ["code", "norm", "exact", "grp"], [T, T, T, G]) { Ordinal = 0 };
    public static readonly IndexTable Token = new("idx_token", ["code", "system", "value", "text_lc", "grp"], [T, T, T, T, G]) { Ordinal = 1 };
    public static readonly IndexTable Reference = new("idx_reference", ["code", "target_type", "target_id", "url", "grp"], [T, T, T, T, G]) { Ordinal = 2 };
    public static readonly IndexTable Date = new("idx_date", ["code", "low", "high", "grp"], [T, I, I, G]) { Ordinal = 3 };
    public static readonly IndexTable Number = new("idx_number", ["code", "low", "high", "grp"], [T, N, N, G]) { Ordinal = 4 };
    public static readonly IndexTable Quantity = new(
        "idx_quantity",
        ["code", "system", "unit", "low", "high", "canonical_unit", "canonical_low", "canonical_high", "grp"],
        [T, T, T, N, N, T, N, N, G]) { Ordinal = 5 };
    public static readonly IndexTable Uri = new("idx_uri", ["code", "uri", "grp"], [T, T, G]) { Ordinal = 6 };

    /// <summary>The pair index (<see cref="IndexPairs"/>): derived by the store, never searched by a parameter's type.</summary>
    public static readonly IndexTable TokenDate = new("idx_token_date", ["code", "system", "value", "low", "high", "grp"], [T, T, T, I, I, G]) { Ordinal = 7 };

    /// <summary>The patient pair index (<see cref="IndexPairs"/>), likewise.</summary>
    public static readonly IndexTable ReferenceToken = new(
        "idx_reference_token", ["code", "res_type", "system", "value", "target_type", "target_id", "grp"], [T, T, T, T, T, T, G]) { Ordinal = 8 };

    /// <summary>The most columns (after <c>res_key</c>) any table has.</summary>
    public const int MaxColumns = 9;

    /// <summary>Every index table, by <see cref="IndexTable.Ordinal"/>.</summary>
    public static readonly IndexTable[] All = [String, Token, Reference, Date, Number, Quantity, Uri, TokenDate, ReferenceToken];

    /// <summary>The table searched for a parameter type (null for Special and Composite).</summary>
    public static IndexTable? For(SearchParamType type) => type switch
    {
        SearchParamType.String => String,
        SearchParamType.Token => Token,
        SearchParamType.Reference => Reference,
        SearchParamType.Date => Date,
        SearchParamType.Number => Number,
        SearchParamType.Quantity => Quantity,
        SearchParamType.Uri => Uri,
        _ => null,
    };

    /// <summary>The table a value is stored in.</summary>
    public static IndexTable For(IndexValue value) => value switch
    {
        StringIndexValue => String,
        TokenIndexValue => Token,
        ReferenceIndexValue => Reference,
        DateIndexValue => Date,
        NumberIndexValue => Number,
        QuantityIndexValue => Quantity,
        UriIndexValue => Uri,
        TokenDateIndexValue => TokenDate,
        ReferenceTokenIndexValue => ReferenceToken,
        _ => throw new NotSupportedException($"Index value type {value.GetType().Name} has no table."),
    };

    /// <summary>Writes the column values of <paramref name="value"/> (its table's <see cref="IndexTable.Columns"/>) into <paramref name="row"/>.</summary>
    public static void Fill(IndexValue value, SqlDialect dialect, object?[] row)
    {
        row[0] = value.Code;
        row[For(value).Columns.Length - 1] = value.Group is int group ? (long)group : null;
        switch (value)
        {
            case StringIndexValue s:
                row[1] = s.Normalized;
                row[2] = s.Exact;
                break;
            case TokenIndexValue t:
                row[1] = t.System;
                row[2] = t.Value;
                row[3] = t.Text is null ? null : SearchText.Normalize(t.Text);
                break;
            case ReferenceIndexValue r:
                row[1] = r.TargetType;
                row[2] = r.TargetId;
                row[3] = r.Url;
                break;
            case DateIndexValue d:
                row[1] = dialect.Instant(SqlDialect.AsUtc(d.LowUtc));
                row[2] = dialect.Instant(SqlDialect.AsUtc(d.HighUtc));
                break;
            case NumberIndexValue n:
                row[1] = dialect.Number(n.Low);
                row[2] = dialect.Number(n.High);
                break;
            case QuantityIndexValue q:
                row[1] = q.System;
                row[2] = q.Unit;
                row[3] = dialect.Number(q.Low);
                row[4] = dialect.Number(q.High);
                if (q.CanonicalUnit is not null && q.CanonicalValue is decimal cv)
                {
                    var (lo, hi) = CanonicalRange(q.Value, q.Low, q.High, cv);
                    row[5] = q.CanonicalUnit;
                    row[6] = dialect.Number(lo);
                    row[7] = dialect.Number(hi);
                }
                else
                {
                    row[5] = row[6] = row[7] = null;
                }
                break;
            case UriIndexValue u:
                row[1] = u.Uri;
                break;
            case TokenDateIndexValue td:
                row[1] = td.System;
                row[2] = td.Value;
                row[3] = dialect.Instant(SqlDialect.AsUtc(td.LowUtc));
                row[4] = dialect.Instant(SqlDialect.AsUtc(td.HighUtc));
                break;
            case ReferenceTokenIndexValue rt:
                row[1] = rt.ResourceType;
                row[2] = rt.System;
                row[3] = rt.Value;
                row[4] = rt.TargetType;
                row[5] = rt.TargetId;
                break;
            default:
                throw new NotSupportedException($"Index value type {value.GetType().Name} has no table.");
        }
    }

    /// <summary>
    /// The precision range [low, high] of a quantity expressed in canonical units: scaled by
    /// canonical/value, which is exact for the multiplicative UCUM conversions (all but the
    /// temperature scales, where it only approximates). A zero value gives the canonical point.
    /// </summary>
    public static (decimal Low, decimal High) CanonicalRange(decimal value, decimal low, decimal high, decimal canonical)
    {
        if (value == 0m) return (canonical, canonical);
        try
        {
            var factor = canonical / value;
            var a = low * factor;
            var b = high * factor;
            return a <= b ? (a, b) : (b, a);
        }
        catch (OverflowException)
        {
            return (canonical, canonical);
        }
    }
}
