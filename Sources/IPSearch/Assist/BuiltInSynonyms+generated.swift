// Generated from `Synonyms.builtInRules` by the test `SynonymsTests.builtInTableIsTheParsedRules`
// (Tests/IPSearchTests/AssistTests.swift), which prints this file when the rules change. Do not edit.

enum BuiltInSynonyms {
    /// Normalized term → the terms it also finds, in rule order.
    static let alternatives: [String: [String]] = [
        "cnipa": ["国知局", "国家知识产权局"],
        "epo": ["欧洲专利局"],
        "euipo": ["欧盟知识产权局"],
        "pct": ["专利合作条约"],
        "trips": ["与贸易有关的知识产权协定"],
        "uspto": ["美国专利商标局"],
        "wipo": ["世界知识产权组织"],
        "wto": ["世贸组织", "世界贸易组织"],
        "与贸易有关的知识产权协定": ["TRIPS"],
        "专利合作条约": ["PCT"],
        "世界知识产权组织": ["WIPO"],
        "世界贸易组织": ["世贸组织", "WTO"],
        "世贸组织": ["世界贸易组织", "WTO"],
        "国务院新闻办": ["国新办", "国务院新闻办公室"],
        "国务院新闻办公室": ["国新办", "国务院新闻办"],
        "国家市场监督管理总局": ["市场监管总局"],
        "国家知识产权局": ["国知局", "CNIPA"],
        "国新办": ["国务院新闻办公室", "国务院新闻办"],
        "国知局": ["国家知识产权局", "CNIPA"],
        "市场监管总局": ["国家市场监督管理总局"],
        "最高人民检察院": ["最高检"],
        "最高人民法院": ["最高法"],
        "最高检": ["最高人民检察院"],
        "最高法": ["最高人民法院"],
        "欧洲专利局": ["EPO"],
        "欧盟知识产权局": ["EUIPO"],
        "知产": ["知识产权"],
        "知产局": ["知识产权局"],
        "美国专利商标局": ["USPTO"],
    ]
}
