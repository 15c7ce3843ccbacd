namespace Fhir.Path;

/// <summary>A FHIRPath expression could not be parsed, checked or evaluated.</summary>
public sealed class FhirPathException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="kind">When it failed.</param>
    /// <param name="message">What went wrong, without the position (it is added).</param>
    /// <param name="expression">The expression text, when known.</param>
    /// <param name="position">The 0-based character offset in <paramref name="expression"/>, or -1.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public FhirPathException(FhirPathErrorKind kind, string message, string? expression = null, int position = -1, Exception? inner = null)
        : base(Describe(kind, message, expression, position), inner)
    {
        Kind = kind;
        Reason = message;
        Expression = expression;
        Position = position;
        if (expression is not null && position >= 0)
        {
            (Line, Column) = LineAndColumn(expression, position);
        }
    }

    /// <summary>Syntax, semantic or execution error.</summary>
    public FhirPathErrorKind Kind { get; }

    /// <summary>What went wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The expression, when known.</summary>
    public string? Expression { get; }

    /// <summary>The 0-based character offset where the problem is, or -1 when not known.</summary>
    public int Position { get; }

    /// <summary>The 1-based line of <see cref="Position"/>, or 0.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of <see cref="Position"/>, or 0.</summary>
    public int Column { get; }

    internal FhirPathException WithExpression(string expression) =>
        Expression is null ? new FhirPathException(Kind, Reason, expression, Position, InnerException) : this;

    private static string Describe(FhirPathErrorKind kind, string message, string? expression, int position)
    {
        var what = kind switch
        {
            FhirPathErrorKind.Syntax => "Syntax error",
            FhirPathErrorKind.Semantic => "Semantic error",
            _ => "Evaluation error",
        };
        if (expression is null || position < 0)
        {
            return $"{what}: {message}";
        }
        var (line, column) = LineAndColumn(expression, position);
        return $"{what} at line {line}, column {column}: {message}";
    }

    private static (int Line, int Column) LineAndColumn(string text, int position)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return (line, column);
    }
}
