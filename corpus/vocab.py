"""Built-in word lists for corpus/generate.py.

Every word list here was written for this generator; no external text was used.
English lists are rough news vocabulary grouped by part of speech; the Russian,
Chinese and Greek lists are small vocabularies for the non-Latin sites and blocks.
"""

NOUNS = """
government council city state police court report plan company market week month
official minister president leader party election vote campaign budget tax law bill
policy health hospital school student teacher family child parent water energy power
oil gas price cost rate bank investor economy trade deal agreement meeting summit
border security army soldier attack conflict peace region area district town village
community resident group member union worker job employee strike wage industry factory
plant farm farmer crop food drought flood storm fire weather climate project program
service system network road bridge railway train airport flight passenger driver car
vehicle accident crash investigation case trial judge jury lawyer prosecutor charge
crime suspect victim prison sentence evidence witness hearing ruling decision statement
interview conference spokesperson agency department ministry committee commission board
director executive chairman chief officer manager analyst expert researcher scientist
study data survey poll result figure number share stock bond currency inflation growth
recession debt loan fund investment profit revenue loss sale customer consumer product
store brand technology software device phone platform user account record season team
coach player match game tournament league stadium fan title goal championship victory
defeat injury contract transfer club owner stake merger acquisition shareholder dividend
quarter forecast outlook demand supply shortage surplus export import tariff sanction
treaty alliance embassy ambassador diplomat delegation envoy negotiation proposal
reform measure regulation rule standard license permit inspection audit review inquiry
scandal allegation complaint lawsuit settlement fine penalty compensation payment
subsidy grant pension benefit salary bonus union household income housing rent mortgage
property building apartment tower construction developer contractor site plot land
river lake coast island mountain valley forest park garden street avenue square
neighborhood suburb province county capital port harbor dock ship vessel cargo
container fleet truck bus tram subway station terminal route line ticket fare commuter
traffic congestion pollution emission waste recycling plastic carbon solar wind turbine
grid battery reactor pipeline refinery mine coal copper gold silver steel aluminum
chemical drug vaccine virus disease outbreak patient doctor nurse clinic treatment
surgery trial symptom infection case death toll rescue evacuation shelter aid donation
charity volunteer festival museum gallery exhibition concert album film director actor
actress novel author book library university college campus professor lecturer degree
exam curriculum classroom pupil tuition scholarship research laboratory experiment
discovery satellite rocket launch mission telescope planet ocean species wildlife
habitat conservation hunter fisherman catch harvest season rainfall temperature heat
wave snow ice glacier earthquake eruption landslide wildfire hurricane typhoon cyclone
tornado warning alert forecaster authority mayor governor senator lawmaker legislator
parliament assembly cabinet coalition opposition candidate voter ballot turnout primary
referendum constitution amendment court justice appeal verdict acquittal conviction
detective officer patrol raid arrest warrant custody bail detention protest rally march
demonstration crowd riot clash curfew checkpoint blockade siege offensive ceasefire
truce withdrawal deployment troop commander general admiral navy missile drone jet
helicopter weapon arms ammunition explosion blast bomb shelling strike casualty
refugee migrant asylum visa passport citizen immigrant population census survey
mortgage landlord tenant eviction homelessness poverty unemployment employer startup
founder entrepreneur venture capital valuation loan lender borrower credit bankruptcy
restructuring layoff hiring recruitment workforce shift overtime pension retirement
insurance premium claim risk threat warning crisis emergency disaster recovery
reconstruction repair upgrade expansion renovation closure opening ceremony anniversary
celebration tribute funeral memorial monument statue heritage tradition culture
language religion church mosque temple festival holiday tourism tourist hotel
restaurant chef menu dish market vendor retailer supermarket shopper discount
warehouse logistics delivery shipment courier parcel mail postal telecom broadband
signal tower cable outage blackout shortage rationing queue supply inventory output
capacity efficiency productivity innovation patent licence copyright trademark
dispute arbitration tribunal regulator watchdog ombudsman inspector auditor accountant
treasurer economist strategist consultant adviser aide secretary deputy spokesman
spokeswoman negotiator mediator observer monitor correspondent journalist editor
reporter photographer broadcaster newspaper magazine channel station podcast audience
viewer listener subscriber reader critic review rating ranking index benchmark target
deadline schedule timeline milestone phase stage round session term period decade
century era generation youth teenager adult senior elder veteran widow orphan
neighbor friend relative brother sister mother father son daughter husband wife
cousin uncle aunt grandmother grandfather couple wedding birth baby infant toddler
pet dog cat horse cattle sheep pig chicken bird fish whale shark bear wolf deer fox
""".split()

# nouns that stay singular when the grammar asks for a plural
UNCOUNTABLE = set("""homelessness poverty unemployment inflation congestion pollution weather
heat snow ice rainfall evidence aid housing overtime health security traffic waste
recycling copper gold silver steel aluminum coal oil gas food water energy power
wildlife heritage tourism logistics research infrastructure""".split())

IRREG_PLURAL = {
    "child": "children", "person": "people", "man": "men", "woman": "women",
    "sheep": "sheep", "fish": "fish", "deer": "deer", "wife": "wives",
    "shelf": "shelves", "wolf": "wolves", "staff": "staff", "data": "data",
    "aircraft": "aircraft", "series": "series", "crisis": "crises",
    "analysis": "analyses", "thesis": "theses", "cattle": "cattle",
}

VERBS = """
announce approve reject accept confirm deny report reveal claim warn urge ask call
order ban block allow permit launch open close cut raise lower increase reduce boost
expand extend delay postpone cancel suspend resume halt stop start begin end finish
complete build design plan propose introduce pass sign veto amend review investigate
examine study test check inspect monitor track follow lead win lose beat defeat draw
score miss save sell buy acquire purchase pay spend invest lend borrow owe earn
charge fine sue settle arrest detain release free hold keep move shift transfer
deliver send receive collect gather meet visit travel return leave arrive join quit
resign retire hire fire appoint elect name nominate replace support back oppose
criticize defend praise thank blame accuse charge convict sentence jail acquit
clear dismiss drop file submit publish issue present unveil show demonstrate prove
describe explain discuss debate consider weigh decide agree fail manage try seek
need want expect hope fear face meet address tackle handle solve fix repair restore
protect secure guard patrol attack strike hit target destroy damage burn flood hurt
injure kill rescue evacuate shelter feed treat vaccinate cure diagnose recover
survive die mourn honor celebrate mark attend host organize stage hold broadcast
air record film photograph write edit print post share like comment respond reply
answer question challenge contest dispute appeal overturn uphold rule govern regulate
tax subsidize fund finance back sponsor donate raise collect count estimate calculate
forecast predict project measure compare rank rate list include exclude add remove
limit cap curb restrict tighten ease relax lift impose enforce implement adopt
approve ratify endorse welcome condemn reject deplore
""".split()

IRREG_PAST = {
    "begin": ("began", "begun"), "build": ("built", "built"), "buy": ("bought", "bought"),
    "catch": ("caught", "caught"), "cut": ("cut", "cut"), "draw": ("drew", "drawn"),
    "feed": ("fed", "fed"), "find": ("found", "found"), "hit": ("hit", "hit"),
    "hold": ("held", "held"), "hurt": ("hurt", "hurt"), "keep": ("kept", "kept"),
    "lead": ("led", "led"), "leave": ("left", "left"), "lend": ("lent", "lent"),
    "lose": ("lost", "lost"), "meet": ("met", "met"), "pay": ("paid", "paid"),
    "quit": ("quit", "quit"), "say": ("said", "said"), "sell": ("sold", "sold"),
    "send": ("sent", "sent"), "show": ("showed", "shown"), "spend": ("spent", "spent"),
    "strike": ("struck", "struck"), "win": ("won", "won"), "write": ("wrote", "written"),
    "beat": ("beat", "beaten"), "burn": ("burned", "burned"), "set": ("set", "set"),
    "seek": ("sought", "sought"), "fight": ("fought", "fought"), "take": ("took", "taken"),
    "give": ("gave", "given"), "make": ("made", "made"), "tell": ("told", "told"),
    "forecast": ("forecast", "forecast"), "broadcast": ("broadcast", "broadcast"),
    "cap": ("capped", "capped"), "ban": ("banned", "banned"), "stop": ("stopped", "stopped"),
    "plan": ("planned", "planned"), "drop": ("dropped", "dropped"), "ship": ("shipped", "shipped"),
    "admit": ("admitted", "admitted"), "submit": ("submitted", "submitted"),
    "permit": ("permitted", "permitted"), "veto": ("vetoed", "vetoed"),
    "jail": ("jailed", "jailed"), "acquit": ("acquitted", "acquitted"),
    "patrol": ("patrolled", "patrolled"), "transfer": ("transferred", "transferred"),
    "commit": ("committed", "committed"), "refer": ("referred", "referred"), "control": ("controlled", "controlled"), "fail": ("failed", "failed"), "target": ("targeted", "targeted"),
}

ADJECTIVES = """
new old large small major minor key main local national regional federal public
private official former current recent early late final initial senior junior
strong weak high low rising falling sharp steep modest slight significant serious
severe heavy light critical crucial vital urgent growing mounting lingering
long short brief extended rare common frequent annual monthly weekly daily
rural urban coastal northern southern eastern western central remote nearby
foreign domestic international global military civilian political economic
financial commercial industrial agricultural environmental social cultural
medical legal judicial criminal civil constitutional electoral democratic
independent joint separate special general unusual unexpected surprise sudden
gradual steady stable volatile uncertain unclear controversial disputed popular
unpopular young elderly wealthy poor affordable expensive costly cheap free
limited broad narrow wide deep shallow historic traditional modern digital online
renewable clean green dirty toxic safe unsafe dangerous deadly fatal minor massive
huge tiny record preliminary temporary permanent emergency interim acting elected
appointed outgoing incoming veteran leading top bottom second third fourth fifth
full partial complete total net gross average typical fresh latest upcoming ongoing
bilateral multilateral diplomatic strategic tactical technical scientific academic
educational religious ethnic tribal municipal provincial metropolitan maritime
naval aerial ground nuclear chemical biological electric mobile wireless smart
""".split()

ADVERBS = """
sharply slightly steadily rapidly quickly slowly largely mostly partly fully nearly
almost roughly about already still also again later earlier recently previously
formally officially publicly privately jointly separately directly indirectly
increasingly widely heavily strongly firmly narrowly broadly repeatedly
""".split()

PREPS = """in on at for with after before during over against near across from under
amid despite toward into through around between within without along beyond""".split()

FIRST_NAMES = """
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy
Anthony Betty Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua
Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie
Ronald Rebecca Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia Jacob Kathleen
Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin
Emma Scott Nicole Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra
Alexander Rachel Frank Carolyn Patrick Janet Raymond Maria Jack Olivia Dennis Heather
Jerry Diane Tyler Julie Aaron Joyce Jose Victoria Adam Kelly Nathan Christina Henry
Lauren Douglas Joan Zachary Evelyn Peter Judith Kyle Megan Ethan Andrea Walter Cheryl
Noah Hannah Jeremy Martha Christian Jacqueline Keith Frances Roger Gloria Terry Ann
Gerald Teresa Harold Kathryn Sean Sara Austin Janice Carl Jean Arthur Alice Lawrence
Madison Dylan Doris Jesse Abigail Jordan Julia Bryan Judy Billy Grace Joe Denise Bruce
Amber Gabriel Marilyn Logan Beverly Albert Danielle Willie Theresa Alan Sophia Juan
Marie Wayne Diana Elijah Brittany Randy Natalie Roy Isabella Vincent Charlotte Ralph
Rose Eugene Alexis Russell Kayla Bobby Mason Amara Kwame Priya Rahul Aisha Omar Fatima
Yusuf Leila Hiroshi Yuki Mei Wei Chen Jun Minh Linh Carlos Lucia Mateo Sofia Diego
Valentina Lars Ingrid Sven Astrid Pieter Anouk Jakub Zofia Tomas Elena Dmitri Irina
Nikos Eleni Kofi Ama Tendai Nomvula Sipho Thandiwe Ravi Ananya Arjun Deepa Tariq Nadia
""".split()

SURNAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed
Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes
Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham
Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran
Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald
Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns
Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz
Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane
Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena
Richards Contreras Willis Carpenter Lawrence Sandoval Okafor Mensah Adeyemi Osei
Mwangi Kamau Banda Dlamini Nkosi Sharma Gupta Singh Iyer Reddy Khan Rahman Hussain
Qureshi Tanaka Suzuki Watanabe Yamamoto Nakamura Wang Zhang Liu Huang Zhao Pham
Hoang Novak Kowalski Nowak Horvat Petrov Ivanova Popescu Papadopoulos Lindqvist
Johansson Nielsen Jansen Visser Bakker Dubois Moreau Laurent Rossi Russo Ferrari
Esposito Bianchi Romano Costa Oliveira Pereira Almeida Carvalho Haddad Nasser Aziz
""".split()

PLACES = """
Ashford Brookhaven Cedar Falls Clearwater Dunmore Eastbrook Fairview Glenwood Greenfield
Hartley Hillcrest Kingsport Lakeside Maplewood Marlow Millbrook Newhaven Northgate
Oakridge Pinecrest Redmond Riverton Rockport Rosedale Sandown Seabrook Silverton
Southport Springdale Stonebridge Summerville Thornbury Waterford Westfield Whitby
Willowbrook Windham Woodbury Yarmouth Alder Bay Brightwater Carrow Dalton Elmstead
Farrow Galloway Hadley Ivybridge Juniper Kestrel Lyndon Montclair Norwood Orchard
Preston Quarry Ravenna Sheldon Tilbury Upton Vale Wexford Ainsley Bramford Corwin
Delmar Easton Foxley Grafton Holbrook Ingram Jasper Kendal Larkin Melrose Nettleton
Osborne Pembroke Quinton Rutland Selby Tamworth Ulverton Venton Wembury Yelverton
Lisbon Madrid Paris Berlin Vienna Prague Warsaw Budapest Athens Rome Milan Naples
Geneva Brussels Amsterdam Copenhagen Oslo Stockholm Helsinki Dublin Edinburgh Cardiff
Manchester Leeds Bristol Glasgow Toronto Montreal Vancouver Ottawa Chicago Denver
Houston Phoenix Seattle Portland Boston Atlanta Miami Dallas Austin Detroit Cleveland
Nairobi Lagos Accra Dakar Cairo Tunis Casablanca Johannesburg Durban Kampala Kigali
Mumbai Delhi Chennai Kolkata Karachi Lahore Dhaka Colombo Kathmandu Bangkok Hanoi
Manila Jakarta Seoul Tokyo Osaka Taipei Sydney Melbourne Auckland Perth Lima Bogota
Santiago Quito Caracas Havana Panama Brasilia Recife Montevideo Asuncion
""".split()

COUNTRIES = """
France Germany Spain Italy Portugal Poland Austria Hungary Greece Sweden Norway Finland
Denmark Ireland Canada Mexico Brazil Argentina Chile Peru Colombia Kenya Nigeria Ghana
Senegal Egypt Morocco Ethiopia Uganda Tanzania India Pakistan Bangladesh Nepal Thailand
Vietnam Indonesia Malaysia Philippines Japan Korea Australia Turkey Georgia Armenia
Ukraine Romania Bulgaria Serbia Croatia Slovakia Lithuania Latvia Estonia Iceland
""".split()

ORG_HEADS = """Ministry Department Bureau Agency Office Council Authority Commission Institute
Foundation Association Federation Union Board Trust Center Service""".split()
ORG_TOPICS = """Health Finance Transport Energy Education Justice Defense Agriculture Labor
Housing Environment Trade Culture Tourism Water Planning Statistics Fisheries Mining
Communications Competition Aviation Maritime Forestry Veterans Welfare""".split()
COMPANY_SUFFIX = """Group Holdings Industries Partners Capital Energy Logistics Systems Motors
Foods Pharma Airlines Bank Mining Telecom Media Steel Chemicals Software Shipping
Insurance Retail Construction""".split()

ROLES = """spokesperson spokeswoman spokesman director minister secretary chairman chairwoman
president chief executive analyst economist professor researcher lawyer commander mayor
governor senator lawmaker official adviser manager coordinator organizer resident
""".split()

DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = ("January February March April May June July August September October "
          "November December").split()
TIMES = ["on {day}", "on {day} morning", "on {day} evening", "late on {day}", "last week",
         "earlier this month", "in {month}", "last month", "this year", "last year",
         "earlier on {day}", "overnight", "in late {month}", "in early {month}"]

# keep:phrase: common news phrases 4-8 words long.  mode: how the phrase sits.
PHRASES_TAIL = [
    "according to people familiar with the matter",
    "according to a person familiar with the plans",
    "according to figures released by the agency",
    "according to local media reports",
    "the people said, asking not to be named",
    "for the first time in more than a decade",
    "for the first time since the pandemic",
    "amid growing concern among local residents",
    "in a move that surprised many analysts",
    "at a time of rising living costs",
]
PHRASES_LEAD = [
    "On the other hand",
    "At the same time, however",
    "In an interview with local media",
    "Speaking to reporters after the meeting",
    "As of the end of last year",
    "In a statement released late in the day",
    "Earlier in the day",
    "It was not immediately clear whether",
]
PHRASES_SAID = [  # "{Person} <phrase> {day}."
    "said in a statement on",
    "told reporters at a briefing on",
    "said at a news conference on",
    "wrote in a post on social media on",
    "said in an interview published on",
]
PHRASES_WHOLE = [  # "{Person} <phrase>."
    "did not immediately respond to a request for comment",
    "declined to comment on the matter",
    "could not be reached for comment",
    "did not respond to requests for comment",
]

# ---------------------------------------------------------------- site names
SITE_FIRST = """Harbor Valley River Summit Prairie Coastal Granite Maple Cedar Lake Iron Silver
Northern Southern Eastern Western Capital Metro Highland Lowland Bay Pine Oak Willow Canyon
Mesa Delta Ridge Frontier Liberty Union Pioneer Beacon Lantern Compass Anchor Meridian
Horizon Keystone Heartland Tidewater Bluegrass Redwood Sandstone Glacier Timber Copper
Golden Evergreen Coral Sierra Orchard Harvest Falcon Eagle Raven Heron Bridge Market
Border Island Mountain Forest Meadow""".split()
SITE_SECOND = """Gazette Herald Times Post Tribune Chronicle Courier Journal Observer Sentinel
Ledger Record Review Dispatch Examiner Register Standard Monitor Bulletin Independent
Voice Star Press Mirror Echo Signal Beacon Report Wire Daily Weekly News Leader Enterprise
Advocate Reporter""".split()

# --------------------------------------------------------------- non-Latin
RU_WORDS = """
и в не на что с по как это из за от к для о у же так но все его она они мы
год время человек дело жизнь день рука работа слово место вопрос страна город
власть правительство президент министр закон решение проект компания рынок цена
рубль доллар бюджет налог экономика банк война мир переговоры заявление суд
дело полиция школа больница врач учитель студент семья ребёнок дом улица область
район регион граница армия солдат удар атака безопасность выборы партия депутат
парламент совет мэр губернатор жители население доклад данные исследование
эксперт аналитик представитель пресс-служба агентство источник сообщение новость
заявил сообщил отметил подчеркнул рассказал объявил признал предложил принял
утвердил отклонил начал завершил продолжил провёл получил потерял выиграл
увеличил сократил повысил снизил построил открыл закрыл запретил разрешил
новый старый большой малый главный местный федеральный государственный частный
российский иностранный международный экономический политический военный
социальный высокий низкий последний первый второй третий важный серьёзный
сегодня вчера завтра ранее позже также однако поэтому кроме около более менее
понедельник вторник среду четверг пятницу субботу воскресенье
января февраля марта апреля мая июня июля августа сентября октября ноября декабря
Москва Петербург Новосибирск Казань Самара Омск Ростов Уфа Пермь Воронеж
Иванов Петров Смирнова Кузнецов Соколова Попов Лебедев Козлова Новиков Морозов
""".split()

ZH_WORDS = """
政府 城市 市场 经济 发展 公司 企业 投资 银行 价格 增长 下降 政策 改革 会议
代表 部长 主席 总统 官员 专家 学者 记者 报道 消息 声明 表示 指出 认为 强调
宣布 决定 计划 项目 建设 工程 交通 铁路 机场 道路 桥梁 能源 电力 石油 天然气
环境 污染 气候 天气 暴雨 洪水 地震 救援 医院 医生 病人 疫苗 学校 学生 教师
教育 文化 旅游 体育 比赛 球队 冠军 国家 地区 社区 居民 家庭 孩子 老人 工人
就业 工资 收入 消费 出口 进口 贸易 合作 协议 谈判 安全 警方 法院 案件 调查
今年 去年 明年 本周 上周 昨天 今天 目前 近日 此前 同时 此外 但是 因此 已经
正在 继续 进一步 重要 主要 新的 大型 全国 国际 地方 北京 上海 广州 深圳 杭州
南京 武汉 成都 重庆 西安 天津 王 李 张 刘 陈 杨 赵 黄 周 吴 先生 女士 公布 数据
显示 超过 达到 约 亿元 万元 百分之 提高 降低 推动 支持 加强 完善 提供 服务
""".split()

EL_WORDS = """
και το η ο να σε με για από που στο στην της των τον την είναι ήταν θα δεν
κυβέρνηση πόλη αγορά οικονομία υπουργός πρόεδρος δήμαρχος νόμος απόφαση σχέδιο
εταιρεία τράπεζα τιμή φόρος προϋπολογισμός εκλογές κόμμα βουλή δικαστήριο
αστυνομία σχολείο νοσοκομείο γιατρός μαθητής οικογένεια παιδί σπίτι δρόμος
περιοχή σύνορα στρατός ασφάλεια συνάντηση δήλωση ανακοίνωση έρευνα στοιχεία
ανακοίνωσε δήλωσε τόνισε ανέφερε αποφάσισε ξεκίνησε ολοκλήρωσε αύξησε μείωσε
νέος μεγάλος μικρός τοπικός εθνικός διεθνής οικονομικός πολιτικός σημαντικός
σήμερα χθες αύριο επίσης όμως ακόμη Αθήνα Θεσσαλονίκη Πάτρα Ηράκλειο Λάρισα
""".split()
