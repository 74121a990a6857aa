namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

/// <summary>One lexed token with the source position it starts at.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Position);
