namespace Fhir.Path.Parsing;

internal enum TokenKind
{
    End,
    Identifier,
    DelimitedIdentifier,
    String,
    Integer,
    Long,
    Decimal,
    Date,
    DateTime,
    Time,
    /// <summary>A date/time literal that lexes but is not valid (a time with a timezone); reported when evaluated.</summary>
    InvalidLiteral,
    Symbol,
    /// <summary><c>$this</c>, <c>$index</c>, <c>$total</c>: <see cref="Token.Text"/> holds the name without <c>$</c>.</summary>
    Special,
    /// <summary><c>%name</c>: <see cref="Token.Text"/> holds the name without <c>%</c> or quotes.</summary>
    EnvironmentVariable,
}

/// <summary>A lexical token: its kind, its text (unescaped for strings and delimited names) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, int Length)
{
    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    /// <summary>A plain (not delimited) identifier with this text: how keywords are recognised.</summary>
    public bool IsKeyword(string keyword) => Kind == TokenKind.Identifier && Text == keyword;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => $"string '{Text}'",
        TokenKind.Symbol => $"'{Text}'",
        TokenKind.Special => $"'${Text}'",
        TokenKind.EnvironmentVariable => $"'%{Text}'",
        TokenKind.DelimitedIdentifier => $"`{Text}`",
        _ => $"'{Text}'",
    };
}
