namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>VergeOS' four chat history settings of an assistant.</summary>
public enum ChatHistoryMode
{
    AlwaysOn,
    DefaultOn,
    DefaultOff,
    AlwaysOff,
}
